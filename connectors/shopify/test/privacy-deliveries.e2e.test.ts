/**
 * A customer's privacy erasure (Shopify's customers/redact) reaches every delivery that carried
 * the customer's order, over HTTP with the real hub and database: the storefront's webhook and its
 * reconciliation poll, and the 3PL's shipment event and poll, which arrive on another connection
 * and under the shipment's key. Another customer's deliveries keep their bodies, and an erased
 * delivery says why it cannot be replayed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paidOrder, parseExact, SHOP, serialize } from './helpers/fixtures.ts';
import { eventually, hubOrder, type ShopifyHub, startShopifyHub } from './helpers/shopify-hub.ts';

/** A paid order of its own, its customer's email everywhere the fixture has one. */
function customerOrder(id: number, email: string) {
  const payload = paidOrder((order) => {
    order.admin_graphql_api_id = `gid://shopify/Order/${id}`;
    order.name = `#${id}`;
    order.line_items.forEach((line: any, index: number) => {
      line.admin_graphql_api_id = `gid://shopify/LineItem/${id}${index}`;
    });
  });
  return parseExact(
    serialize(payload)
      .toString()
      .replace(/jo(h)?n@example\.com/g, email),
  );
}

interface StoredDelivery {
  id: string;
  connectionId: string;
  source: string;
  topic: string | null;
  body: string | null;
  bodyErased: { reason: string; at: string } | null;
}

describe('a customer’s privacy erasure covers every delivery of their orders', () => {
  let hub: ShopifyHub;
  let threePlConnectionId: string;

  async function deliveries(): Promise<StoredDelivery[]> {
    const list = await hub.api<{ items: { id: string }[] }>('GET', '/api/deliveries?limit=200');
    return Promise.all(
      list.body.items.map(
        async (item) => (await hub.api<StoredDelivery>('GET', `/api/deliveries/${item.id}`)).body,
      ),
    );
  }

  /** Takes the order to shipped with its tracking written back, and returns its shipment id. */
  async function shipped(id: number, email: string): Promise<string> {
    const payload = customerOrder(id, email);
    hub.shop.addOrderFromWebhook(payload, { locationId: hub.shop.addLocation() });
    expect((await hub.postWebhook('orders/create', serialize(payload))).body.outcome).toBe('accepted');
    const accepted = await eventually(async () => {
      const found = await hubOrder(hub, String(id));
      return found?.status === 'accepted' ? found : undefined;
    }, `order ${id} at the 3PL`);
    const shipmentId: string = accepted.shipments[0].id;
    hub.threePl.shipNow(hub.threePl.ordersByReference(shipmentId)[0]!.id);
    await eventually(
      async () => (await hubOrder(hub, String(id)))?.shipments[0].trackingWrittenBack,
      `order ${id}'s tracking written back`,
    );
    return shipmentId;
  }

  async function reconcile(connectionId: string, topic: string, mentions: string) {
    await hub.running.hub.boss.send('reconcile', { connectionId }, { singletonKey: connectionId });
    await eventually(
      async () =>
        (await deliveries()).some(
          (delivery) =>
            delivery.source === 'poll' && delivery.topic === topic && delivery.body?.includes(mentions),
        ),
      `a ${topic} poll of ${mentions}`,
    );
  }

  beforeAll(async () => {
    hub = await startShopifyHub({ mode: 'merchant_managed' });
    const connections = await hub.api<{ items: any[] }>('GET', '/api/connections');
    threePlConnectionId = connections.body.items.find((item) => item.connector === 'sandbox-3pl').id;
  });
  afterAll(async () => hub?.stop());

  it('erases the storefront’s and the 3PL’s deliveries, webhooks and polls, of the customer’s orders only', async () => {
    const erasedShipment = await shipped(4001, 'ada@example.com');
    const keptShipment = await shipped(4002, 'grace@example.com');
    await reconcile(hub.connectionId, 'order.upserted', '#4001');
    await reconcile(threePlConnectionId, 'shipment.updated', erasedShipment);

    const about = (delivery: StoredDelivery, order: number, shipmentId: string) =>
      delivery.body !== null &&
      [`#${order}`, `Order/${order}`, shipmentId].some((mark) => delivery.body?.includes(mark));
    const before = await deliveries();
    const theirs = before.filter((delivery) => about(delivery, 4001, erasedShipment));
    const others = before.filter((delivery) => about(delivery, 4002, keptShipment));
    // Both sides, both paths: the storefront's webhook and poll, the 3PL's event and poll.
    const kinds = new Set(
      theirs.map((d) => `${d.connectionId === threePlConnectionId ? '3pl' : 'storefront'}:${d.source}`),
    );
    expect(kinds).toEqual(new Set(['storefront:webhook', 'storefront:poll', '3pl:webhook', '3pl:poll']));
    expect(others.length).toBeGreaterThan(0);

    const redact = Buffer.from(
      JSON.stringify({
        shop_id: 954889,
        shop_domain: SHOP,
        customer: { id: 191168, email: 'ada@example.com', phone: null },
        orders_to_redact: [4001],
      }),
    );
    expect((await hub.postWebhook('customers/redact', redact)).status).toBe(200);
    await eventually(
      async () => (await hubOrder(hub, '4001'))?.email === null,
      'the customer’s order redacted',
    );

    const after = new Map((await deliveries()).map((delivery) => [delivery.id, delivery]));
    for (const delivery of theirs) {
      expect(after.get(delivery.id)).toMatchObject({
        body: null,
        bodyErased: { reason: 'customer_redact', at: expect.any(String) },
      });
    }
    for (const delivery of others) {
      expect(after.get(delivery.id)).toMatchObject({ body: delivery.body, bodyErased: null });
    }
    // Nothing left anywhere that names the customer.
    expect([...after.values()].filter((delivery) => delivery.body?.includes('ada@example.com'))).toEqual([]);

    const replay = await hub.api('POST', `/api/deliveries/${theirs[0]!.id}/replay`);
    expect(replay).toMatchObject({ status: 409, body: { error: 'body_erased' } });
    expect(replay.body.message).toMatch(/privacy erasure/);
    const { body } = await hub.api<{ items: any[] }>('GET', '/api/privacy-requests?kind=customer.redact');
    // Those, and the erasure request itself, which names the customer too.
    expect(body.items[0].result.deliveryBodiesErased).toBe(theirs.length + 1);
  });
});
