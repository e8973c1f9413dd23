/**
 * Reconciliation: every order modified since the cursor, whether or not a webhook told us, mapped
 * exactly as a webhook would be (the hub dedupes and applies only newer versions, so both paths
 * agree). WooCommerce loses events by design (no retries, webhooks disabled after failures, cron
 * that stalls), so this is what makes the hub correct; webhooks only make it fast.
 *
 * `GET orders?modified_after=…&dates_are_gmt=true&orderby=modified&order=asc`, walked in two
 * passes: the default status list, which leaves trashed orders out, and `status=trash`.
 */
import { type CanonicalEvent, orderEventsOrInvalid } from '../../src/sdk/index.ts';
import { unexpectedResponse } from './api-errors.ts';
import { readOpenOrders, readTimestamp } from './connection-state.ts';
import { mapOrderEvents, orderGate } from './map-order.ts';
import { totalPages, type WooClient } from './woo-client.ts';
import { gmtToIso, isoToGmt, type WooOrder, wooOrder, wooOrderList } from './woo-payloads.ts';

export interface PollOptions {
  now: Date;
  /**
   * How far behind the cursor each poll starts again. `modified_after` is exclusive and dates
   * have one-second resolution, and an order saved in the same second as the last one we saw, or
   * committed a little late, would otherwise be skipped for good. Re-reading costs nothing: the
   * hub ignores versions it already has.
   */
  overlapMs?: number;
  perPage?: number;
  /** Bounds one poll; the cursor lets the next one carry on. */
  maxPages?: number;
  /** How often to look for open orders deleted permanently (which sends no webhook). */
  deletedCheckEveryMs?: number;
}

export interface PollLog {
  warn(obj: object, msg: string): void;
}

export interface PollOutcome {
  events: CanonicalEvent[];
  nextCursor: string | null;
  statePatch: Record<string, unknown>;
}

// Statuses after which the hub has nothing more to do with an order at a 3PL.
const FINISHED = new Set(['completed', 'cancelled', 'refunded', 'failed', 'trash']);
/** Open orders remembered for the deletion check; the oldest are dropped beyond this. */
const MAX_OPEN_ORDERS = 5_000;

export async function pollOrders(
  client: WooClient,
  state: Record<string, unknown>,
  cursor: string | null,
  options: PollOptions,
  log: PollLog,
): Promise<PollOutcome> {
  const {
    now,
    overlapMs = 60_000,
    perPage = 100,
    maxPages = 50,
    deletedCheckEveryMs = 60 * 60_000,
  } = options;
  // Without a cursor, start when the store was connected: orders from before are not ours.
  const start = new Date(cursor ?? readTimestamp(state, 'connectedAt') ?? now).toISOString();
  const since = new Date(Date.parse(start) - overlapMs);
  const page = { size: perPage, limit: maxPages, log };
  const passes = [await walk(client, since, undefined, page), await walk(client, since, 'trash', page)];

  const newest = new Map<number, WooOrder>();
  for (const order of passes.flatMap((pass) => pass.orders)) {
    const held = newest.get(order.id);
    if (!held || order.date_modified_gmt >= held.date_modified_gmt) newest.set(order.id, order);
  }
  const open = new Set(readOpenOrders(state));
  const events: CanonicalEvent[] = [];
  for (const order of newest.values()) {
    // One order a plugin mangled (an amount that is not one, a quantity beyond any column) must not
    // stop reconciliation: it becomes an `order.invalid`, which the hub holds and shows with the reason.
    const mapped = orderEventsOrInvalid(
      {
        sourceOrderId: String(order.id),
        sourceOrderName: `#${order.number ?? order.id}`,
        sourceUpdatedAt: isoOrNull(order.date_modified_gmt),
      },
      () => mapOrderEvents(order),
    );
    events.push(...mapped);
    if (mapped.some((event) => event.type === 'order.invalid')) {
      log.warn({ orderId: order.id }, 'an order the hub cannot take was read; it is held with the reason');
      continue;
    }
    if (orderGate(order) === 'route') open.add(String(order.id));
    else if (FINISHED.has(order.status)) open.delete(String(order.id));
  }

  const statePatch: Record<string, unknown> = {};
  const lastCheck = readTimestamp(state, 'deletedCheckAt');
  if (!lastCheck || now.getTime() - Date.parse(lastCheck) >= deletedCheckEveryMs) {
    const unseen = [...open].filter((id) => !newest.has(Number(id)));
    for (const found of await findDeletedOrders(client, unseen, now)) {
      events.push(...found.events);
      if (found.finished) open.delete(found.id);
    }
    statePatch.deletedCheckAt = now.toISOString();
  }
  statePatch.openOrders = [...open].slice(-MAX_OPEN_ORDERS);
  return { events, nextCursor: nextCursor(start, cursor, passes), statePatch };
}

function isoOrNull(gmt: string): string | null {
  try {
    return gmtToIso(gmt);
  } catch {
    return null;
  }
}

interface Walk {
  orders: WooOrder[];
  /** ISO instant of the newest modification read. */
  newest: string | null;
  /** False when the page limit cut the walk short. */
  complete: boolean;
}

/**
 * The newest modification read, where the next poll starts; or, when a walk was cut short, the
 * newest it reached (everything before it has been read, nothing after). Never backwards; null
 * when it does not move.
 */
export function nextCursor(start: string, previous: string | null, passes: Walk[]): string | null {
  const cutShort = passes
    .filter((pass) => !pass.complete && pass.newest !== null)
    .map((pass) => pass.newest!);
  const next =
    cutShort.length > 0
      ? cutShort.sort()[0]!
      : passes.reduce((latest, pass) => (pass.newest && pass.newest > latest ? pass.newest : latest), start);
  if (previous && Date.parse(next) <= Date.parse(previous)) return null;
  return next;
}

/**
 * Walks one status filter oldest change first. Instead of trusting page numbers (an order modified
 * during the walk moves to the end and shifts the others back a page, so one would be skipped),
 * each full page moves `modified_after` up to its last order, minus a second so its siblings in
 * that second are read again; only a page that cannot move it turns the page.
 */
async function walk(
  client: WooClient,
  from: Date,
  status: 'trash' | undefined,
  page: { size: number; limit: number; log: PollLog },
): Promise<Walk> {
  const orders: WooOrder[] = [];
  let after = from;
  let number = 1;
  let newest: string | null = null;
  for (let fetched = 0; fetched < page.limit; fetched++) {
    const response = await client.request({
      method: 'GET',
      path: 'orders',
      query: {
        modified_after: isoToGmt(after),
        dates_are_gmt: true,
        orderby: 'modified',
        order: 'asc',
        per_page: page.size,
        page: number,
        ...(status ? { status } : {}),
      },
    });
    if (response.status !== 200) throw unexpectedResponse('GET wc/v3/orders', response, 'orders_unreadable');
    const raw = wooOrderList.fromResponse(response.body, 'GET wc/v3/orders');
    for (const item of raw) {
      if (!wooOrder.matches(item)) {
        // One order a plugin mangled must not stop reconciliation for the whole store.
        page.log.warn(
          { orderId: (item as { id?: unknown }).id ?? null },
          'skipped an order the connector cannot read',
        );
        continue;
      }
      orders.push(item);
      // A date that is no date is the mapping's to report (the order is held); it moves no cursor.
      const modified = isoOrNull(item.date_modified_gmt);
      if (modified && (!newest || modified > newest)) newest = modified;
    }
    if (raw.length < page.size || number >= totalPages(response)) return { orders, newest, complete: true };
    const last = (raw.at(-1) as { date_modified_gmt?: unknown }).date_modified_gmt;
    const lastIso = typeof last === 'string' ? isoOrNull(last) : null;
    const lastAt = lastIso ? Date.parse(lastIso) : Number.NaN;
    if (lastAt - 1000 > after.getTime()) {
      after = new Date(lastAt - 1000);
      number = 1;
    } else {
      number += 1;
    }
  }
  return { orders, newest, complete: false };
}

/**
 * Open orders that no poll has shown for a while: still there, trashed, or deleted for good. A
 * permanent delete sends no webhook and drops out of every list, so only asking for the order
 * itself tells; a 404 cancels it at the hub (and at the 3PL while it still can).
 */
async function findDeletedOrders(
  client: WooClient,
  ids: string[],
  now: Date,
): Promise<{ id: string; events: CanonicalEvent[]; finished: boolean }[]> {
  const results: { id: string; events: CanonicalEvent[]; finished: boolean }[] = [];
  for (let start = 0; start < ids.length; start += 100) {
    const chunk = ids.slice(start, start + 100);
    const listed = await client.request({
      method: 'GET',
      path: 'orders',
      query: { include: chunk.join(','), per_page: 100, _fields: 'id' },
    });
    if (listed.status !== 200)
      throw unexpectedResponse('GET wc/v3/orders?include=', listed, 'orders_unreadable');
    const present = new Set(
      wooOrderList
        .fromResponse(listed.body, 'GET wc/v3/orders?include=')
        .map((o) => String((o as { id?: unknown }).id)),
    );
    for (const id of chunk.filter((candidate) => !present.has(candidate))) {
      // Not in the list: trashed (the list leaves trash out) or gone.
      const response = await client.request({ method: 'GET', path: `orders/${id}` });
      if (response.status === 404) {
        results.push({
          id,
          events: [{ type: 'order.cancelled', sourceOrderId: id, sourceUpdatedAt: now.toISOString() }],
          finished: true,
        });
        continue;
      }
      if (response.status !== 200)
        throw unexpectedResponse('GET wc/v3/orders/:id', response, 'orders_unreadable');
      const order = wooOrder.fromResponse(response.body, 'GET wc/v3/orders/:id');
      const events = orderEventsOrInvalid(
        {
          sourceOrderId: id,
          sourceOrderName: `#${order.number ?? order.id}`,
          sourceUpdatedAt: isoOrNull(order.date_modified_gmt),
        },
        () => mapOrderEvents(order),
      );
      results.push({ id, events, finished: FINISHED.has(order.status) });
    }
  }
  return results;
}
