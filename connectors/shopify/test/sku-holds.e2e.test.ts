/**
 * A paid Shopify order with two SKU lines, a gift card and a hand-made card that has no SKU, end to
 * end over HTTP (merchant-managed mode; the shop is a fake behind nock, the 3PL the sandbox
 * simulator). Under "ship the rest" its SKU lines ship and are fulfilled in Shopify while the card
 * waits as a held part; with the default policy the whole order is held, and mapping the card's
 * variant in the SKU map releases it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paidOrder, serialize } from './helpers/fixtures.ts';
import {
  eventually,
  FIXTURE_STOCK,
  hubOrder,
  type ShopifyHub,
  startShopifyHub,
} from './helpers/shopify-hub.ts';

/** The order: two SKU lines, a gift card, and a physical line without a SKU. */
function orderWithHandmadeCard(id: number, cardVariantId: number) {
  return paidOrder((payload) => {
    payload.admin_graphql_api_id = `gid://shopify/Order/${id}`;
    payload.name = `#${id}`;
    payload.refunds = [];
    const [sunglasses, protection, third] = payload.line_items;
    const giftCard = {
      ...third,
      name: 'Gift card',
      title: 'Gift card',
      sku: null,
      gift_card: true,
      product_id: 7_001,
      variant_id: 7_002,
    };
    const card = {
      ...third,
      name: 'Hand-made card',
      title: 'Hand-made card',
      sku: '',
      gift_card: false,
      requires_shipping: true,
      product_id: 8_001,
      variant_id: cardVariantId,
    };
    payload.line_items = [sunglasses, protection, giftCard, card].map((line: any, index: number) => ({
      ...line,
      admin_graphql_api_id: `gid://shopify/LineItem/${id}${index}`,
      quantity: 1,
      current_quantity: 1,
    }));
  });
}

describe('Shopify: a line without a SKU', () => {
  let hub: ShopifyHub;
  let location: string;
  const variantPath = (variantId: number) =>
    `/api/merchants/${hub.merchantId}/sku-map/connections/${hub.connectionId}/variants/${variantId}`;

  beforeAll(async () => {
    hub = await startShopifyHub({
      mode: 'merchant_managed',
      threePl: { stock: { ...FIXTURE_STOCK, 'CARD-HANDMADE': 30 } },
    });
    location = hub.shop.addLocation();
  });
  afterAll(async () => hub?.stop());

  it('under "ship the rest", ships and fulfils the SKU lines, holds the card as a part, and ships it once mapped', async () => {
    const policy = await hub.api('PUT', `/api/merchants/${hub.merchantId}/line-policy`, {
      unidentifiedLines: 'ship_rest',
    });
    expect(policy.status).toBe(200);
    const payload = orderWithHandmadeCard(2001, 8_101);
    hub.shop.addOrderFromWebhook(payload, { locationId: location });
    expect((await hub.postWebhook('orders/create', serialize(payload))).status).toBe(200);

    const accepted = await eventually(async () => {
      const found = await hubOrder(hub, '2001');
      return found?.status === 'accepted' ? found : undefined;
    }, 'the identifiable part to be accepted by the 3PL');
    expect(accepted.shipments).toHaveLength(1);
    expect(accepted.shipments[0].lines.map((line: any) => line.sku).sort()).toEqual([
      'LENS-PROTECT-2YR',
      'SKU2006-001',
    ]);
    expect(accepted.heldLines).toBe(1);
    const card = accepted.lines.find((line: any) => line.name === 'Hand-made card');
    expect(card).toMatchObject({
      sku: null,
      sourceProductId: '8001',
      sourceVariantId: '8101',
      disposition: 'held',
    });
    expect(accepted.heldPart.messages[0]).toContain(variantPath(8_101));
    // The gift card never goes to the warehouse and is not waiting for anything.
    expect(accepted.lines.find((line: any) => line.name === 'Gift card')).toMatchObject({
      requiresShipping: false,
      disposition: null,
    });

    // The part ships: Shopify gets a fulfillment of exactly those two lines, with the tracking.
    const [first] = hub.threePl.ordersByReference(accepted.shipments[0].id);
    hub.threePl.shipNow(first!.id);
    const fulfillment = await eventually(
      () => hub.shop.orders.get('gid://shopify/Order/2001')?.fulfillments[0],
      'the Shopify fulfillment of the shipped part',
    );
    expect(fulfillment.lines.reduce((sum, line) => sum + line.quantity, 0)).toBe(2);
    const partial = await eventually(async () => {
      const found = await hubOrder(hub, '2001');
      return found?.shipments[0]?.trackingWrittenBack ? found : undefined;
    }, 'the tracking of the shipped part to be written back');
    // Not "shipped": the card is still waiting.
    expect(partial.status).toBe('partially_shipped');

    // The merchant maps the card's variant; the held part goes to the 3PL on its own.
    const mapped = await hub.api('PUT', variantPath(8_101), {
      action: 'map',
      fulfillmentSku: 'CARD-HANDMADE',
    });
    expect(mapped).toMatchObject({ status: 200, body: { reroute: 'queued' } });
    const second = await eventually(async () => {
      const found = await hubOrder(hub, '2001');
      return found?.shipments[1]?.status === 'accepted' ? found.shipments[1] : undefined;
    }, 'the held part to reach the 3PL');
    expect(second.lines).toEqual([{ sku: 'CARD-HANDMADE', quantity: 1 }]);
    hub.threePl.shipNow(hub.threePl.ordersByReference(second.id)[0]!.id);
    const shipped = await eventually(async () => {
      const found = await hubOrder(hub, '2001');
      return found?.status === 'shipped' && found.shipments[1].trackingWrittenBack ? found : undefined;
    }, 'the whole order to ship');
    expect(shipped.heldLines).toBe(0);
    expect(hub.shop.orders.get('gid://shopify/Order/2001')?.fulfillments).toHaveLength(2);
    expect(hub.shop.problems).toEqual([]);
  });

  it('by default holds the whole order, still after a retry, and ships it whole once the card is mapped', async () => {
    await hub.api('PUT', `/api/merchants/${hub.merchantId}/line-policy`, { unidentifiedLines: 'hold' });
    const payload = orderWithHandmadeCard(2002, 8_202);
    hub.shop.addOrderFromWebhook(payload, { locationId: location });
    expect((await hub.postWebhook('orders/create', serialize(payload))).status).toBe(200);
    const held = await eventually(async () => {
      const found = await hubOrder(hub, '2002');
      return found?.status === 'on_hold' ? found : undefined;
    }, 'the order to be held');
    expect(held.statusReason).toBe('missing_sku');
    expect(held.statusDetail.message).toContain(`PUT ${variantPath(8_202)}`);
    expect(hub.threePl.orders().filter((o) => o.order_number === '#2002')).toHaveLength(0);

    // The policy change above may have queued a re-route of this order already: either way it runs.
    const retried = await hub.api('POST', `/api/orders/${held.id}/retry`);
    expect(retried.body.outcome).toMatch(/^(queued|already_queued)$/);
    await eventually(async () => {
      const found = await hubOrder(hub, '2002');
      const holds = found?.timeline.filter((event: any) => event.type === 'order.on_hold').length ?? 0;
      return holds >= 2 && found.status === 'on_hold' ? found : undefined;
    }, 'the retried order to be held again');

    await hub.api('PUT', variantPath(8_202), { action: 'map', fulfillmentSku: 'CARD-HANDMADE' });
    const accepted = await eventually(async () => {
      const found = await hubOrder(hub, '2002');
      return found?.status === 'accepted' ? found : undefined;
    }, 'the mapped order to be accepted by the 3PL');
    expect(accepted.shipments).toHaveLength(1);
    expect(accepted.shipments[0].lines.map((line: any) => line.sku).sort()).toEqual([
      'CARD-HANDMADE',
      'LENS-PROTECT-2YR',
      'SKU2006-001',
    ]);
    hub.threePl.shipNow(hub.threePl.ordersByReference(accepted.shipments[0].id)[0]!.id);
    const fulfillment = await eventually(
      () => hub.shop.orders.get('gid://shopify/Order/2002')?.fulfillments[0],
      'the Shopify fulfillment',
    );
    expect(fulfillment.lines.reduce((sum, line) => sum + line.quantity, 0)).toBe(3);
    await eventually(async () => (await hubOrder(hub, '2002'))?.status === 'shipped', 'the order to ship');
    expect(hub.shop.problems).toEqual([]);
  });
});
