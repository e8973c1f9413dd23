/**
 * The routing engine in the live pipeline, over HTTP, with the sandbox 3PL's two warehouses
 * (Berlin, Columbus): an order goes to the warehouse its rules name, the decision is on the order,
 * a rule's hold stops it until a person releases it (and does not hold it again), a person's hold
 * is refused once the order is at the 3PL, and the API names a bad hold request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twoLocations } from '../sandbox/index.ts';
import { findOrder, startTestHub, type TestHub, waitForOrderStatus } from './helpers/test-hub.ts';

const US_ADDRESS = {
  name: 'Dana Smith',
  company: null,
  address1: '1 Main St',
  address2: null,
  city: 'Columbus',
  province: 'OH',
  zip: '43004',
  country_code: 'US',
  phone: null,
};

describe('live routing between two warehouses', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub({ threePl: { locations: twoLocations(), shipDelayMs: 60_000 } });
    const rules = await hub.api('PUT', `/api/merchants/${hub.merchantId}/routing-rules`, {
      rules: [
        {
          id: 'hold-tagged',
          when: { type: 'order_tag', in: ['review'] },
          action: { type: 'hold', reason: 'fraud_review' },
        },
        {
          id: 'us-from-us',
          when: { type: 'destination_country', in: ['US'] },
          action: { type: 'route', locationIds: ['SBX-US-1'] },
        },
        { id: 'rest-from-eu', action: { type: 'route', locationIds: ['SBX-EU-1'] } },
      ],
    });
    expect(rules.status).toBe(200);
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('sends an order to the warehouse its rule names, and shows why', async () => {
    const us = hub.storefront.placeOrder({
      shipping_address: US_ADDRESS,
      lines: [{ sku: 'SBX-MUG', quantity: 1 }],
    });
    const eu = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-MUG', quantity: 1 }] });
    const usOrder = await waitForOrderStatus(hub, us.id, 'accepted');
    const euOrder = await waitForOrderStatus(hub, eu.id, 'accepted');
    expect(usOrder.shipments.map((s: any) => s.location)).toEqual(['SBX-US-1']);
    expect(euOrder.shipments.map((s: any) => s.location)).toEqual(['SBX-EU-1']);
    expect(usOrder.routingDecisions).toHaveLength(1);
    expect(usOrder.routingDecisions[0]).toMatchObject({
      ruleSetVersion: 1,
      decision: { matchedRuleIds: ['us-from-us'] },
    });
    // The 3PL shipped it from there: its own record says so.
    const atThreePl = hub.threePl.orders().find((o: any) => o.reference === usOrder.shipments[0].id);
    expect(atThreePl?.location).toBe('SBX-US-1');
  });

  it('holds an order a rule holds until a person releases it, then routes it without holding it again', async () => {
    const placed = hub.storefront.placeOrder({ tags: ['review'], lines: [{ sku: 'SBX-MUG', quantity: 1 }] });
    const held = await waitForOrderStatus(hub, placed.id, 'on_hold');
    expect(held.statusReason).toBe('held');
    expect(held.statusDetail).toMatchObject({ ruleId: 'hold-tagged', holdReason: 'fraud_review' });
    expect(held.shipments).toEqual([]);
    // A retry does not release a hold.
    await hub.api('POST', `/api/orders/${held.id}/retry`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await findOrder(hub, placed.id)).status).toBe('on_hold');

    const released = await hub.api('POST', `/api/orders/${held.id}/release`, {
      note: 'checked the customer',
    });
    expect(released.status).toBe(202);
    expect(released.body).toMatchObject({ outcome: 'hold_released', holds: [{ ruleId: 'hold-tagged' }] });
    const routed = await waitForOrderStatus(hub, placed.id, 'accepted');
    expect(routed.shipments.map((s: any) => s.location)).toEqual(['SBX-EU-1']);
    const types = routed.timeline.map((event: any) => event.type);
    expect(types).toContain('order.hold_placed');
    expect(types).toContain('order.hold_released');
    // Releasing again has nothing to release.
    expect((await hub.api('POST', `/api/orders/${held.id}/release`, {})).status).toBe(409);
  });

  it('refuses a person’s hold once the order is at the 3PL, and names a bad request', async () => {
    const placed = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-MUG', quantity: 1 }] });
    const order = await waitForOrderStatus(hub, placed.id, 'accepted');
    const refused = await hub.api('POST', `/api/orders/${order.id}/hold`, { reason: 'address_check' });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/already routed/);
    const bad = await hub.api('POST', `/api/orders/${order.id}/hold`, { reason: 'because' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/reason/);
  });
});
