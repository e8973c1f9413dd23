/**
 * The routing rules API over HTTP: versioning, validation that names the field, tenant scoping,
 * the simulation over stored orders, and routing decisions shown on the order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys.ts';
import { recordRoutingDecision } from '../src/queries/routing.ts';
import { planOrder } from '../src/routing/plan-order.ts';
import { validateRuleSet } from '../src/routing/validate-rule-set.ts';
import { startTestHub, type TestHub } from './helpers/test-hub.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

const liveRules = { rules: [{ id: 'all-from-eu', action: { type: 'route', locationIds: ['eu'] } }] };
const candidateRules = {
  rules: [
    {
      id: 'high-value',
      when: { type: 'order_value', currency: 'EUR', atLeastMinor: 100000 },
      action: { type: 'hold', reason: 'high_value' },
    },
    {
      id: 'us-from-us',
      when: { type: 'destination_country', in: ['US'] },
      action: { type: 'route', locationIds: ['us'] },
    },
  ],
};

describe('routing rules API', () => {
  let hub: TestHub;
  let otherKey: string;
  const orderIds: Record<string, string> = {};

  /** Calls the API with another merchant's key. */
  async function asOther(method: string, path: string, body?: unknown) {
    const response = await hub.running.app.inject({
      method: method as 'GET',
      url: path,
      headers: { authorization: `Bearer ${otherKey}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return { status: response.statusCode, body: response.json() };
  }

  async function storeOrder(
    name: string,
    placedAt: Date,
    country: string,
    totalMinor: number,
    lines: { sku: string; quantity: number }[],
  ) {
    const db = hub.running.hub.db;
    const order = await db
      .insertInto('orders')
      .values({
        merchant_id: hub.merchantId,
        storefront_connection_id: hub.storefrontConnectionId,
        source_order_id: name,
        source_order_name: `#${name}`,
        source_updated_at: placedAt,
        status: 'shipped',
        ready_to_fulfill: true,
        currency: 'EUR',
        total_minor: totalMinor,
        shipping_address: JSON.stringify({
          name: 'A Customer',
          address1: '1 Street',
          city: 'City',
          countryCode: country,
        }),
        tags: JSON.stringify([]),
        test: true,
        placed_at: placedAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('order_lines')
      .values(
        lines.map((line, index) => ({
          order_id: order.id,
          merchant_id: hub.merchantId,
          source_line_id: `${name}-${index + 1}`,
          sku: line.sku,
          name: line.sku,
          quantity: line.quantity,
          unit_price_minor: 1000,
          requires_shipping: true,
        })),
      )
      .execute();
    orderIds[name] = order.id;
  }

  beforeAll(async () => {
    hub = await startTestHub({ workers: false });
    const db = hub.running.hub.db;
    const other = await db
      .insertInto('merchants')
      .values({ name: 'Other merchant' })
      .returning('id')
      .executeTakeFirstOrThrow();
    otherKey = (await createApiKey(db, { merchantId: other.id, name: 'other', createdBy: null })).key;

    const asOf = new Date();
    const stock = [
      { location: 'eu', sku: 'A', available: 100 },
      { location: 'us', sku: 'A', available: 100 },
      { location: 'us', sku: 'B', available: 10 },
      { location: 'eu', sku: 'C', available: 10 },
    ];
    await db
      .insertInto('stock_levels')
      .values(
        stock.map((row) => ({
          ...row,
          merchant_id: hub.merchantId,
          connection_id: hub.threePlConnectionId,
          as_of: asOf,
        })),
      )
      .execute();
    const now = Date.now();
    await storeOrder('de-plain', new Date(now - 3 * DAY_MS), 'DE', 1000, [{ sku: 'A', quantity: 1 }]);
    await storeOrder('us-plain', new Date(now - 2 * DAY_MS), 'US', 1000, [{ sku: 'A', quantity: 1 }]);
    await storeOrder('de-high', new Date(now - 1 * DAY_MS), 'DE', 200000, [{ sku: 'A', quantity: 2 }]);
    await storeOrder('de-split', new Date(now - DAY_MS / 2), 'DE', 2000, [
      { sku: 'B', quantity: 1 },
      { sku: 'C', quantity: 1 },
    ]);
    await storeOrder('us-old', new Date(now - 40 * DAY_MS), 'US', 1000, [{ sku: 'A', quantity: 1 }]);
  });
  afterAll(async () => {
    await hub?.stop();
  });

  const rulesPath = () => `/api/merchants/${hub.merchantId}/routing-rules`;

  it('has no live rule set before the first PUT', async () => {
    const live = await hub.api('GET', rulesPath());
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ ruleSet: null });
  });

  it('stores every PUT as a new immutable version and serves each one', async () => {
    const first = await hub.api('PUT', rulesPath(), candidateRules);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ merchantId: hub.merchantId, version: 1, createdBy: 'operator_token' });
    expect(first.body.definition).toEqual(candidateRules);

    const second = await hub.api('PUT', rulesPath(), liveRules);
    expect(second.status).toBe(200);
    expect(second.body.version).toBe(2);

    const live = await hub.api('GET', rulesPath());
    expect(live.body.ruleSet).toMatchObject({ version: 2, definition: liveRules });

    const versions = await hub.api('GET', `${rulesPath()}/versions`);
    expect(versions.status).toBe(200);
    expect(versions.body.items.map((item: { version: number }) => item.version)).toEqual([2, 1]);

    const one = await hub.api('GET', `${rulesPath()}/versions/1`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ version: 1, definition: candidateRules });
    expect((await hub.api('GET', `${rulesPath()}/versions/3`)).status).toBe(404);
  });

  it('answers a bad rule set 400 naming the field, and stores no version', async () => {
    const badType = await hub.api('PUT', rulesPath(), { rules: [{ id: 'x', action: { type: 'teleport' } }] });
    expect(badType.status).toBe(400);
    expect(badType.body.error).toBe('invalid_rules');
    expect(badType.body.errors).toContainEqual(expect.objectContaining({ path: '/rules/0/action/type' }));
    expect(badType.body.message).toContain('/rules/0/action/type');

    const missing = await hub.api('PUT', rulesPath(), { rules: [{ id: 'x' }] });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toContainEqual({ path: '/rules/0/action', message: 'is required' });

    const simulateBad = await hub.api('POST', '/api/routing/simulate', {
      merchantId: hub.merchantId,
      rules: { rules: [{ id: 'x', action: { type: 'route', strategy: ['fastest'] } }] },
    });
    expect(simulateBad.status).toBe(400);
    expect(simulateBad.body.errors).toContainEqual(
      expect.objectContaining({ path: '/rules/rules/0/action/strategy/0' }),
    );

    const foreign = await hub.api('PUT', rulesPath(), {
      rules: [
        {
          id: 'x',
          action: { type: 'route', connectionIds: [hub.threePlConnectionId, hub.storefrontConnectionId] },
        },
      ],
    });
    expect(foreign.status).toBe(400);
    // A storefront is not a 3PL: only the second id names no fulfillment connection of the merchant.
    expect(foreign.body.errors).toEqual([
      {
        path: '/rules/0/action/connectionIds/1',
        message: 'names no fulfillment connection of this merchant',
      },
    ]);

    const versions = await hub.api('GET', `${rulesPath()}/versions`);
    expect(versions.body.items).toHaveLength(2);
  });

  it("answers another merchant's key 404 on this merchant's rules and simulation", async () => {
    expect((await asOther('GET', rulesPath())).status).toBe(404);
    expect((await asOther('PUT', rulesPath(), liveRules)).status).toBe(404);
    expect((await asOther('GET', `${rulesPath()}/versions`)).status).toBe(404);
    expect((await asOther('GET', `${rulesPath()}/versions/1`)).status).toBe(404);
    const simulate = await asOther('POST', '/api/routing/simulate', {
      merchantId: hub.merchantId,
      rules: candidateRules,
    });
    expect(simulate.status).toBe(404);
    const versions = await hub.api('GET', `${rulesPath()}/versions`);
    expect(versions.body.items).toHaveLength(2);
  });

  it('simulates the candidate over the last 30 days of stored orders against the live rules', async () => {
    const response = await hub.api('POST', '/api/routing/simulate', {
      merchantId: hub.merchantId,
      rules: candidateRules,
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const report = response.body;
    expect(report.liveVersion).toBe(2);
    expect(report.orderCount).toBe(4); // us-old is outside the default range
    expect(report.truncated).toBe(false);
    expect(report.stockConsumption).toBe('sequential');

    // Live: everything it can from eu; de-split's B only exists in us, so it splits.
    expect(report.live.byLocation).toEqual({ eu: { orders: 4, units: 5 }, us: { orders: 1, units: 1 } });
    expect(report.live.splitOrders).toBe(1);
    expect(report.live.holdsByReason).toEqual({});
    // Candidate: the high-value order is held, the US order ships from us, the split stays.
    expect(report.candidate.byLocation).toEqual({ eu: { orders: 2, units: 2 }, us: { orders: 2, units: 2 } });
    expect(report.candidate.splitOrders).toBe(1);
    expect(report.candidate.holdsByReason).toEqual({ high_value: 1 });
    expect(report.candidate.outcomes).toMatchObject({ ship: 3, held: 1 });

    const changed = Object.fromEntries(
      report.changed.map((change: { orderId: string }) => [change.orderId, change]),
    );
    expect(Object.keys(changed).sort()).toEqual([orderIds['us-plain'], orderIds['de-high']].sort());
    expect(changed[orderIds['us-plain'] ?? '']).toMatchObject({
      live: { outcome: 'ship', locationIds: ['eu'] },
      candidate: { outcome: 'ship', locationIds: ['us'] },
    });
    expect(changed[orderIds['de-high'] ?? '']).toMatchObject({
      live: { locationIds: ['eu'] },
      candidate: { outcome: 'held', holdReasons: ['high_value'] },
    });

    // Without side effects: no version stored, no decision recorded.
    expect((await hub.api('GET', `${rulesPath()}/versions`)).body.items).toHaveLength(2);
    const decisions = await hub.running.hub.db.selectFrom('routing_decisions').select('id').execute();
    expect(decisions).toHaveLength(0);
  });

  it('simulates an explicit range and rejects one that ends before it starts', async () => {
    const now = Date.now();
    const old = await hub.api('POST', '/api/routing/simulate', {
      merchantId: hub.merchantId,
      rules: candidateRules,
      from: new Date(now - 60 * DAY_MS).toISOString(),
      to: new Date(now - 30 * DAY_MS).toISOString(),
    });
    expect(old.status).toBe(200);
    expect(old.body.orderCount).toBe(1);
    expect(old.body.changed.map((c: { orderId: string }) => c.orderId)).toEqual([orderIds['us-old']]);

    const backwards = await hub.api('POST', '/api/routing/simulate', {
      merchantId: hub.merchantId,
      rules: candidateRules,
      from: new Date(now).toISOString(),
      to: new Date(now - DAY_MS).toISOString(),
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors).toContainEqual(expect.objectContaining({ path: '/from' }));
  });

  it("names lines by the 3PL's SKU through the SKU map, and leaves do-not-ship lines out", async () => {
    const now = Date.now();
    await storeOrder('mapped', new Date(now - 100 * DAY_MS), 'DE', 3000, [
      { sku: 'SHOP-B', quantity: 1 },
      { sku: 'GIFT-WRAP', quantity: 1 },
    ]);
    const skuPath = `/api/merchants/${hub.merchantId}/sku-map/skus`;
    expect((await hub.api('PUT', `${skuPath}/SHOP-B`, { action: 'map', fulfillmentSku: 'B' })).status).toBe(
      200,
    );
    expect((await hub.api('PUT', `${skuPath}/GIFT-WRAP`, { action: 'do_not_ship' })).status).toBe(200);
    const response = await hub.api('POST', '/api/routing/simulate', {
      merchantId: hub.merchantId,
      rules: candidateRules,
      from: new Date(now - 110 * DAY_MS).toISOString(),
      to: new Date(now - 90 * DAY_MS).toISOString(),
    });
    expect(response.status).toBe(200);
    expect(response.body.orderCount).toBe(1);
    // B is only stocked in us; unmapped, SHOP-B would be unfillable.
    expect(response.body.candidate.byLocation).toEqual({ us: { orders: 1, units: 1 } });
    expect(response.body.candidate.outcomes).toMatchObject({ ship: 1 });
    expect(response.body.candidate.unfillableUnits).toBe(0);
  });

  it('shows recorded routing decisions on the order, with the rule set version', async () => {
    const orderId = orderIds['us-plain'] ?? '';
    const validated = validateRuleSet(liveRules);
    if (!validated.ok) throw new Error(JSON.stringify(validated.errors));
    const { decision } = planOrder({
      order: {
        orderId,
        storefrontConnectionId: hub.storefrontConnectionId,
        placedAt: new Date().toISOString(),
        currency: 'EUR',
        totalMinor: 1000,
        shippingMethod: null,
        tags: [],
        customerTags: [],
        destination: { country: 'US', region: null, postalCode: null, coordinates: null },
        lines: [
          { lineId: 'l1', sku: 'A', quantity: 1, shippable: true, productTags: [], unitPriceMinor: 1000 },
        ],
      },
      locations: [
        {
          locationId: 'us',
          fulfillmentConnectionId: hub.threePlConnectionId,
          country: 'US',
          coordinates: null,
          priority: null,
          safetyStock: 0,
          available: { A: 5 },
          active: true,
        },
      ],
      ruleSet: { version: 2, definition: validated.value },
      now: new Date().toISOString(),
    });
    await hub.running.hub.db.transaction().execute(async (trx) => {
      await recordRoutingDecision(trx, { orderId, merchantId: hub.merchantId, decision });
    });
    const detail = await hub.api('GET', `/api/orders/${orderId}`);
    expect(detail.status).toBe(200);
    expect(detail.body.routingDecisions).toHaveLength(1);
    expect(detail.body.routingDecisions[0]).toMatchObject({
      ruleSetVersion: 2,
      decision: { ruleSetVersion: 2, plan: { shipments: [{ locationId: 'us' }] } },
    });
    expect((await asOther('GET', `/api/orders/${orderId}`)).status).toBe(404);
  });

  it('gives concurrent PUTs consecutive versions, none lost', async () => {
    const before = (await hub.api('GET', `${rulesPath()}/versions`)).body.items.length;
    const answers = await Promise.all([1, 2, 3].map(() => hub.api('PUT', rulesPath(), liveRules)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    const versions = answers.map((answer) => answer.body.version).sort((a, b) => a - b);
    expect(versions).toEqual([before + 1, before + 2, before + 3]);
  });
});
