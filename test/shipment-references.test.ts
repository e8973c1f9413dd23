import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createThreePlSimulator, type ThreePlSimulator } from '../sandbox/index.ts';
import { applyEvents } from '../src/pipeline/apply/apply-events.ts';
import type { CanonicalEvent } from '../src/sdk/contracts.ts';
import { hmacSha256 } from '../src/sdk/signature.ts';
import { findOrder, startTestHub, type TestHub, waitFor, waitForOrderStatus } from './helpers/test-hub.ts';

/**
 * A 3PL's shipment event lands on the shipment the hub sent (the reference is our shipment id), or
 * nowhere: a 3PL id that is bound to another shipment is a conflict held for a person, never applied.
 */
describe('3PL events are matched by our own reference', () => {
  let hub: TestHub;
  /** A second, freshly started 3PL on the same connection: it numbers its orders from SBX-000001 again. */
  let restarted: ThreePlSimulator;
  let threePlSettings: { baseUrl: string };
  let threePlAccount: string;

  const shipped = async (sourceOrderId: string) =>
    waitFor(async () => {
      const order = await findOrder(hub, sourceOrderId);
      return order?.status === 'shipped' && order.shipments[0]?.trackingWrittenBack ? order : undefined;
    }, `order ${sourceOrderId} to ship with its tracking written back`);

  const postThreePlEvent = async (payload: Record<string, unknown>) => {
    const eventId = `evt-${Math.random().toString(36).slice(2)}`;
    const body = JSON.stringify({ event_id: eventId, topic: 'shipment.shipped', ...payload });
    const response = await fetch(`${hub.running.url}/webhooks/sandbox-3pl/${hub.threePlConnectionId}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-sandbox-topic': 'shipment.shipped',
        'x-sandbox-event-id': eventId,
        'x-sandbox-signature': hmacSha256(hub.threePlSecrets.webhookSecret, body, 'base64'),
      },
      body,
    });
    return response.status;
  };

  beforeAll(async () => {
    hub = await startTestHub({ threePl: { shipDelayMs: 0 } });
    const connections = await hub.api('GET', '/api/connections');
    const threePl = connections.body.items.find((c: any) => c.id === hub.threePlConnectionId);
    threePlAccount = threePl.externalAccount;
    threePlSettings = threePl.settings;
  });
  afterAll(async () => {
    await restarted?.close();
    await hub?.stop();
  });

  it('holds an event whose 3PL id is bound to another shipment on the order it names, and applies it nowhere', async () => {
    // Order A ships through the first 3PL as SBX-000001.
    const first = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-TEE-M', quantity: 1 }] });
    const acceptedA = await waitForOrderStatus(hub, first.id, 'accepted');
    const [remoteA] = hub.threePl.ordersByReference(acceptedA.shipments[0].id);
    expect(remoteA?.id).toBe('SBX-000001');
    hub.threePl.shipNow(remoteA!.id);
    const orderA = await shipped(first.id);
    const trackingA = orderA.shipments[0].tracking.number;

    // The 3PL is restarted on the same connection and numbers from SBX-000001 again.
    restarted = createThreePlSimulator({ ...hub.threePlSecrets, shipDelayMs: 0, webhookRetryDelayMs: 200 });
    const url = await restarted.listen(0);
    const moved = await hub.api('POST', '/api/connections', {
      merchantId: hub.merchantId,
      connector: 'sandbox-3pl',
      externalAccount: threePlAccount,
      settings: { ...threePlSettings, baseUrl: url },
      credentials: hub.threePlSecrets,
      defaultFulfillment: true,
    });
    expect(moved.status).toBe(201);
    restarted.setWebhookUrl(moved.body.webhookUrl);

    const second = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-MUG', quantity: 1 }] });
    const acceptedB = await waitForOrderStatus(hub, second.id, 'accepted');
    const shipmentB = acceptedB.shipments[0].id;
    const [remoteB] = restarted.ordersByReference(shipmentB);
    expect(remoteB?.id).toBe('SBX-000001');
    restarted.shipNow(remoteB!.id);

    const held = await waitForOrderStatus(hub, second.id, 'exception');
    expect(held.statusReason).toBe('remote_id_conflict');
    expect(held.statusDetail).toMatchObject({
      conflicts: [
        expect.objectContaining({
          shipmentId: shipmentB,
          externalId: 'SBX-000001',
          boundShipmentId: orderA.shipments[0].id,
          boundOrderId: orderA.id,
        }),
      ],
    });
    expect(held.statusDetail.release).toContain(`/api/orders/${held.id}/retry`);
    expect(held.timeline.map((e: any) => e.type)).toContain('shipment.event_conflict');
    expect(held.shipments[0].tracking).toBeNull();

    // Order A keeps its own parcel: nothing was applied to it, nothing written to the storefront.
    const afterA = await findOrder(hub, first.id);
    expect(afterA.status).toBe('shipped');
    expect(afterA.shipments[0].tracking.number).toBe(trackingA);
    expect(hub.storefront.fulfillmentsOf(first.id).map((f) => f.tracking.number)).toEqual([trackingA]);
    expect(hub.storefront.fulfillmentsOf(second.id)).toEqual([]);

    // A person checked with the 3PL: releasing trusts our reference and applies the held event.
    const retry = await hub.api('POST', `/api/orders/${held.id}/retry`);
    expect(retry.status).toBe(202);
    const orderB = await shipped(second.id);
    const trackingB = restarted.ordersByReference(shipmentB)[0]?.shipment?.tracking_number;
    expect(orderB.shipments[0]).toMatchObject({ externalId: 'SBX-000001', tracking: { number: trackingB } });
    expect(hub.storefront.fulfillmentsOf(second.id).map((f) => f.tracking.number)).toEqual([trackingB]);
    expect(orderB.timeline.map((e: any) => e.type)).toContain('shipment.conflict_released');
    expect((await findOrder(hub, first.id)).shipments[0].tracking.number).toBe(trackingA);

    // From now on the 3PL's id means order B: its next event applies there.
    restarted.deliverNow(remoteB!.id);
    await waitForOrderStatus(hub, second.id, 'delivered');
    expect((await findOrder(hub, first.id)).status).toBe('shipped');
  });

  it('holds an event for a shipment the hub knows by another 3PL id', async () => {
    const placed = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-CAP', quantity: 1 }] });
    const accepted = await waitForOrderStatus(hub, placed.id, 'accepted');
    const shipment = accepted.shipments[0];
    expect(shipment.externalId).toMatch(/^SBX-/);
    const at = new Date().toISOString();
    const status = await postThreePlEvent({
      occurred_at: at,
      order: {
        id: 'SBX-999999',
        reference: shipment.id,
        status: 'shipped',
        updated_at: at,
        shipment: { carrier: 'UPS', tracking_number: '1ZSOMEONEELSE', tracking_url: null },
      },
    });
    expect(status).toBe(200);
    const held = await waitForOrderStatus(hub, placed.id, 'exception');
    expect(held.statusReason).toBe('remote_id_conflict');
    expect(held.statusDetail.conflicts[0]).toMatchObject({
      shipmentId: shipment.id,
      externalId: 'SBX-999999',
      knownExternalId: shipment.externalId,
    });
    expect(held.shipments[0]).toMatchObject({ status: 'accepted', tracking: null });
  });

  it('matches an event without a reference by the 3PL id, and never applies one whose reference and binding disagree', async () => {
    const { hub: core } = hub.running;
    const source = (await core.connections.get(hub.threePlConnectionId))!;
    const placed = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-TEE-M', quantity: 1 }] });
    const accepted = await waitForOrderStatus(hub, placed.id, 'accepted');
    const externalId = accepted.shipments[0].externalId;
    const event = (reference: string, number: string, id = externalId): CanonicalEvent => ({
      type: 'shipment.updated',
      reference,
      externalId: id,
      status: 'shipped',
      tracking: { carrier: 'DHL', number, url: null },
      reason: null,
      occurredAt: new Date().toISOString(),
    });

    // A reference that is none of our shipments, with a 3PL id bound to this one: applied nowhere.
    const foreign = await applyEvents(core, source, [event('their-own-order-42', 'JJDFOREIGN')], 'test');
    expect(foreign.shipments).toEqual(['conflict']);
    const untouched = await findOrder(hub, placed.id);
    expect(untouched).toMatchObject({ status: 'accepted', shipments: [{ tracking: null }] });
    expect(untouched.timeline.map((e: any) => e.type)).toContain('shipment.event_conflict');

    // No reference at all (some 3PLs send only their own id): the binding decides.
    const bare = await applyEvents(core, source, [event('', 'JJDBARE0001')], 'test');
    expect(bare.shipments).toEqual(['applied']);
    const order = await waitForOrderStatus(hub, placed.id, 'shipped');
    expect(order.shipments[0].tracking.number).toBe('JJDBARE0001');

    // Neither a reference nor a known 3PL id: nowhere.
    const unknown = await applyEvents(core, source, [event('', 'JJDNOBODY', 'SBX-NOBODY')], 'test');
    expect(unknown.shipments).toEqual(['unknown_shipment']);
  });
});
