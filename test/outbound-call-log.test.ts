/**
 * The outbound call log through the real pipeline: an order that ships leaves one row per call the
 * hub made about it — the submission to the 3PL under our shipment id, the tracking written back
 * to the storefront — each with its connection, outcome and duration.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub, waitFor, waitForOrderStatus } from './helpers/test-hub.ts';

describe('outbound call log', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub({ threePl: { shipDelayMs: 100 } });
  });
  afterAll(async () => hub?.stop());

  it('records the submission and the tracking write-back of an order that ships', async () => {
    const placed = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-TEE-M', quantity: 1 }] });
    const order = await waitForOrderStatus(hub, placed.id, 'shipped');
    const shipmentId: string = order.shipments[0].id;
    const calls = await waitFor(async () => {
      const rows = await hub.running.hub.db
        .selectFrom('outbound_calls')
        .selectAll()
        .where('order_id', '=', order.id)
        .orderBy('created_at')
        .execute();
      return rows.some((row) => row.operation === 'writeTracking') ? rows : undefined;
    }, 'the tracking write-back to be recorded');
    const submitted = calls.filter((call) => call.operation === 'submitShipment');
    expect(submitted).toEqual([
      expect.objectContaining({
        merchant_id: hub.merchantId,
        connection_id: hub.threePlConnectionId,
        connector: 'sandbox-3pl',
        shipment_id: shipmentId,
        idempotency_key: shipmentId,
        status: 'ok',
        error: null,
      }),
    ]);
    expect(calls.filter((call) => call.operation === 'writeTracking')).toEqual([
      expect.objectContaining({
        connection_id: hub.storefrontConnectionId,
        shipment_id: shipmentId,
        idempotency_key: shipmentId,
        status: 'ok',
      }),
    ]);
    for (const call of calls) expect(call.duration_ms).toBeGreaterThanOrEqual(0);
    const metrics = await hub.running.hub.metrics.registry.getSingleMetricAsString(
      'hub_outbound_call_duration_seconds',
    );
    expect(metrics).toMatch(
      /hub_outbound_call_duration_seconds_count\{connector="sandbox-3pl",operation="submitShipment",outcome="ok"\} [1-9]/,
    );
  });
});
