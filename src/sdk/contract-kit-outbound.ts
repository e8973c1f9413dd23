/**
 * The outbound half of the connector contract, as a vitest suite: what the hub relies on when it
 * calls the platform. Call `describeOutboundContract` from the connector's tests with a `remote`
 * that stands for the platform (nock scopes, or a fake or simulator the connector's tests already
 * have). Each check gets a fresh remote, so no check depends on another's leftovers.
 *
 * @example
 * describeFulfillmentOutbound(acme, {
 *   remote: async () => {
 *     const shop = startFakeAcme();
 *     return { context: acmeContext(shop.url), refuseNext: (r) => shop.refuseNext(r), … };
 *   },
 * });
 */
import { describe, expect, it } from 'vitest';
import type {
  CanonicalEvent,
  ConnectionContext,
  FulfillmentConnector,
  OrderRef,
  ShipmentRequest,
  StorefrontConnector,
  Tracking,
} from './contracts.ts';
import { NeedsHumanError, RetryableError } from './errors.ts';

/** How the platform refuses the next call: a 429 with Retry-After, or a 4xx validation answer. */
export type RemoteRefusal = { kind: 'rate_limited'; retryAfterSeconds: number } | { kind: 'invalid' };

/** What every role's remote offers the kit. */
export interface RemoteBase<S, C> {
  /** A context whose settings point at this remote. */
  context: ConnectionContext<S, C>;
  /**
   * The platform refuses the operation the kit calls next: a 429 on its first request, a validation
   * answer on the request that carries the data (the write, not a read before it).
   */
  refuseNext(refusal: RemoteRefusal): void | Promise<void>;
  /**
   * Makes `count` changes at the platform that `pollSince` must report, and returns one key per
   * change; `eventKey` must give the same key for the event reporting it (null for other events).
   */
  addChanges(count: number): string[] | Promise<string[]>;
  eventKey(event: CanonicalEvent): string | null;
  /** More changes than one page of the connector's `pollSince` holds: the kit adds this many. */
  severalPages: number;
  /** Orders two cursors (negative when `a` is before `b`); default: as timestamps, else as strings. */
  compareCursors?(a: string, b: string): number;
  close?(): void | Promise<void>;
}

export interface FulfillmentRemote<S, C> extends RemoteBase<S, C> {
  /** A shipment the platform accepts, with a reference no earlier call used. */
  shipment(): ShipmentRequest;
  /** How many orders the platform holds under this reference. */
  remoteOrders(reference: string): number | Promise<number>;
  /** The platform carries out the next create but its answer never reaches the connector. */
  loseNextAnswer(): void | Promise<void>;
}

export interface StorefrontRemote<S, C> extends RemoteBase<S, C> {
  /** A tracking write the platform accepts (an order it holds, lines of that order). */
  trackingWrite(): {
    order: OrderRef;
    shipment: {
      id: string;
      lines: { sourceLineId: string; sku: string; quantity: number }[];
      tracking: Tracking;
    };
  };
}

const RETRY_AFTER_SECONDS = 30;

function defaultCompare(a: string, b: string): number {
  const [ta, tb] = [Date.parse(a), Date.parse(b)];
  if (!Number.isNaN(ta) && !Number.isNaN(tb)) return ta - tb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Runs `body` against a fresh remote and closes it, whatever happens. */
async function withRemote<R extends RemoteBase<unknown, unknown>>(
  remote: () => R | Promise<R>,
  body: (remote: R) => Promise<void>,
): Promise<void> {
  const current = await remote();
  try {
    await body(current);
  } finally {
    await current.close?.();
  }
}

/** The refusals, made on the call `call` makes: a 429 is retryable with its wait, a 4xx needs a person. */
function describeRefusals<S, C, R extends RemoteBase<S, C>>(
  remote: () => R | Promise<R>,
  operation: string,
  call: (remote: R) => Promise<unknown>,
) {
  it(`turns a 429 on ${operation} into a RetryableError with retryAfterMs`, () =>
    withRemote(remote, async (current) => {
      await current.refuseNext({ kind: 'rate_limited', retryAfterSeconds: RETRY_AFTER_SECONDS });
      const error = await call(current).then(
        () => null,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(RetryableError);
      const { retryAfterMs } = error as RetryableError;
      // An HTTP-date Retry-After is whole seconds from a clock that moved on: allow a second.
      expect(retryAfterMs).toBeGreaterThanOrEqual((RETRY_AFTER_SECONDS - 1) * 1000);
      expect(retryAfterMs).toBeLessThanOrEqual((RETRY_AFTER_SECONDS + 1) * 1000);
    }));

  it(`turns a 4xx validation answer on ${operation} into a NeedsHumanError`, () =>
    withRemote(remote, async (current) => {
      await current.refuseNext({ kind: 'invalid' });
      await expect(call(current)).rejects.toBeInstanceOf(NeedsHumanError);
    }));
}

/** pollSince: every change arrives across pages, and the cursor never moves back. */
function describePolling<S, C>(
  poll: (
    context: ConnectionContext<S, C>,
    cursor: string | null,
  ) => Promise<{ events: CanonicalEvent[]; nextCursor: string | null }>,
  remote: () => RemoteBase<S, C> | Promise<RemoteBase<S, C>>,
) {
  it('pollSince pages without losing a change, and its cursor only moves forward', () =>
    withRemote(remote, async (current) => {
      const compare = current.compareCursors ?? defaultCompare;
      const expected = await current.addChanges(current.severalPages);
      const seen = new Set<string>();
      let cursor: string | null = null;
      for (let poll = 0; poll < 50; poll++) {
        const { events, nextCursor } = await pollOnce(cursor);
        for (const event of events) {
          const key = current.eventKey(event);
          if (key !== null) seen.add(key);
        }
        if (nextCursor === null || events.length === 0) break;
        if (cursor !== null) expect(compare(nextCursor, cursor)).toBeGreaterThanOrEqual(0);
        if (nextCursor === cursor) break;
        cursor = nextCursor;
      }
      expect([...expected].filter((key) => !seen.has(key))).toEqual([]);
      // Nothing new: the cursor stays (null keeps it) or moves on, never back.
      const again = await pollOnce(cursor);
      if (again.nextCursor !== null && cursor !== null)
        expect(compare(again.nextCursor, cursor)).toBeGreaterThanOrEqual(0);

      function pollOnce(from: string | null) {
        return poll(current.context, from);
      }
    }));
}

/** The outbound contract of a 3PL connector: submit, find, cancel, poll, and the refusals. */
export function describeFulfillmentOutbound<S, C>(
  connector: FulfillmentConnector<S, C>,
  options: { remote: () => FulfillmentRemote<S, C> | Promise<FulfillmentRemote<S, C>> },
): void {
  describe(`${connector.manifest.name}: the outbound contract`, () => {
    describePolling<S, C>((context, cursor) => connector.pollSince(context, cursor), options.remote);
    describeFulfillment(connector, options.remote);
  });
}

/** The outbound contract of a storefront connector: poll, and the refusals of a tracking write. */
export function describeStorefrontOutbound<S, C>(
  connector: StorefrontConnector<S, C>,
  options: { remote: () => StorefrontRemote<S, C> | Promise<StorefrontRemote<S, C>> },
): void {
  describe(`${connector.manifest.name}: the outbound contract`, () => {
    describePolling<S, C>((context, cursor) => connector.pollSince(context, cursor), options.remote);
    describeRefusals(options.remote, 'writeTracking', (current) =>
      connector.writeTracking(current.context, { ...current.trackingWrite(), previousExternalId: null }),
    );
  });
}

function describeFulfillment<S, C>(
  connector: FulfillmentConnector<S, C>,
  remote: () => FulfillmentRemote<S, C> | Promise<FulfillmentRemote<S, C>>,
) {
  it('submitting the same shipment twice gives one remote order and the same reference', () =>
    withRemote(remote, async (current) => {
      const shipment = current.shipment();
      const first = await connector.submitShipment(current.context, shipment);
      const second = await connector.submitShipment(current.context, shipment);
      expect(first.externalId.length).toBeGreaterThan(0);
      expect(second.externalId).toBe(first.externalId);
      expect(await current.remoteOrders(shipment.reference)).toBe(1);
    }));

  it('findShipment finds a submission whose answer was lost, and a retry does not duplicate it', () =>
    withRemote(remote, async (current) => {
      const shipment = current.shipment();
      await current.loseNextAnswer();
      await expect(connector.submitShipment(current.context, shipment)).rejects.toBeInstanceOf(
        RetryableError,
      );
      const found = await connector.findShipment(current.context, shipment.reference);
      expect(found?.externalId).toEqual(expect.any(String));
      const retried = await connector.submitShipment(current.context, shipment);
      expect(retried.externalId).toBe(found?.externalId);
      expect(await current.remoteOrders(shipment.reference)).toBe(1);
      expect(await connector.findShipment(current.context, current.shipment().reference)).toBeNull();
    }));

  it('cancel returns an outcome for each shipment it is given', () =>
    withRemote(remote, async (current) => {
      for (const shipment of [current.shipment(), current.shipment()]) {
        const submitted = await connector.submitShipment(current.context, shipment);
        const answer = await connector.cancelShipment(current.context, {
          reference: shipment.reference,
          externalId: submitted.externalId,
          data: submitted.data ?? {},
        });
        expect(['cancelled', 'refused']).toContain(answer.outcome);
        expect(answer.reason === null || typeof answer.reason === 'string').toBe(true);
        for (const parcel of answer.parcels ?? []) expect(['cancelled', 'refused']).toContain(parcel.outcome);
      }
    }));

  describeRefusals(remote, 'submitShipment', (current) =>
    connector.submitShipment(current.context, current.shipment()),
  );
}
