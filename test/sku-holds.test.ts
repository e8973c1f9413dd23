/**
 * Lines the 3PL cannot identify, over HTTP with the sandbox storefront and 3PL: the merchant's SKU
 * map and line policy, holds that say what releases them, and the ways out (map the line, release
 * without it) applied to every held order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueHeldOrders } from '../src/pipeline/route/reroute-held.ts';
import { findOrder, startTestHub, type TestHub, waitFor, waitForOrderStatus } from './helpers/test-hub.ts';

describe('lines the 3PL cannot identify', () => {
  let hub: TestHub;
  const skuMap = () => `/api/merchants/${hub.merchantId}/sku-map`;
  const variantPath = (variantId: string) =>
    `${skuMap()}/connections/${hub.storefrontConnectionId}/variants/${variantId}`;
  const setPolicy = async (policy: string) => {
    const answer = await hub.api('PUT', `/api/merchants/${hub.merchantId}/line-policy`, {
      unidentifiedLines: policy,
    });
    expect(answer).toMatchObject({ status: 200, body: { unidentifiedLines: policy } });
  };
  const card = (variant: string) => ({
    sku: null,
    quantity: 1,
    title: 'Hand-made card',
    price: '4.00',
    product_id: 'card',
    variant_id: variant,
  });

  beforeAll(async () => {
    hub = await startTestHub({
      threePl: { stock: { 'SBX-TEE-M': 500, 'SBX-MUG': 300, 'CARD-HANDMADE': 50 } },
    });
  });
  afterAll(async () => hub?.stop());

  it('holds an order with a SKU-less line by default, says what releases it, and ships it once the line is mapped', async () => {
    const placed = hub.storefront.placeOrder({
      lines: [
        { sku: 'SBX-TEE-M', quantity: 2 },
        { sku: 'SBX-MUG', quantity: 1 },
        { sku: 'GIFT-CARD', quantity: 1, requires_shipping: false },
        card('card-red'),
      ],
    });
    const held = await waitForOrderStatus(hub, placed.id, 'on_hold');
    expect(held.statusReason).toBe('missing_sku');
    expect(held.heldLines).toBe(1);
    const cardLine = held.lines.find((line: any) => line.name === 'Hand-made card');
    expect(cardLine).toMatchObject({ sku: null, sourceVariantId: 'card-red', disposition: 'held' });
    expect(held.statusDetail.lineIds).toEqual([cardLine.id]);
    // The reason names the way out: map this variant, or release without it.
    expect(held.statusDetail.message).toContain(`PUT ${variantPath('card-red')}`);
    expect(held.statusDetail.message).toContain(`POST /api/orders/${held.id}/release`);
    expect(held.statusDetail.actions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ method: 'PUT', path: variantPath('card-red') }),
        expect.objectContaining({
          method: 'POST',
          path: `/api/orders/${held.id}/release`,
          body: { excludeUnidentifiedLines: true },
        }),
      ]),
    );
    expect(hub.threePl.orders().some((o) => o.order_number === placed.name)).toBe(false);

    // Retrying changes nothing: the order is held again for the same line.
    expect((await hub.api('POST', `/api/orders/${held.id}/retry`)).status).toBe(202);
    const again = await waitFor(async () => {
      const order = await findOrder(hub, placed.id);
      const holds = order?.timeline.filter((e: any) => e.type === 'order.on_hold').length ?? 0;
      return holds >= 2 && order.status === 'on_hold' ? order : undefined;
    }, 'the retried order to be held again');
    expect(again.statusReason).toBe('missing_sku');

    // The merchant maps the card's variant: the order is routed again by itself and ships whole.
    const mapped = await hub.api('PUT', variantPath('card-red'), {
      action: 'map',
      fulfillmentSku: 'CARD-HANDMADE',
    });
    expect(mapped).toMatchObject({
      status: 200,
      body: {
        reroute: 'queued',
        entry: {
          kind: 'variant',
          storefrontConnectionId: hub.storefrontConnectionId,
          key: 'card-red',
          action: 'map',
          fulfillmentSku: 'CARD-HANDMADE',
        },
      },
    });
    const shipped = await waitForOrderStatus(hub, placed.id, 'shipped');
    expect(shipped.heldLines).toBe(0);
    expect(shipped.shipments).toHaveLength(1);
    expect(shipped.shipments[0].lines.map((l: any) => l.sku).sort()).toEqual([
      'CARD-HANDMADE',
      'SBX-MUG',
      'SBX-TEE-M',
    ]);
    const [remote] = hub.threePl.ordersByReference(shipped.shipments[0].id);
    expect(remote?.lines.map((l) => l.sku).sort()).toEqual(['CARD-HANDMADE', 'SBX-MUG', 'SBX-TEE-M']);
  });

  it('applies one mapping to every order held for that SKU, however many pages of them there are', async () => {
    const placed = Array.from({ length: 5 }, () =>
      hub.storefront.placeOrder({
        lines: [
          { sku: 'SBX-MUG', quantity: 1 },
          { sku: 'SHOP-ONLY-TEE', quantity: 1, price: '19.90' },
        ],
      }),
    );
    for (const order of placed) {
      const held = await waitForOrderStatus(hub, order.id, 'on_hold');
      expect(held.statusReason).toBe('unknown_sku');
      expect(held.statusDetail.skus).toEqual(['SHOP-ONLY-TEE']);
      expect(held.statusDetail.message).toContain(`PUT ${skuMap()}/skus/SHOP-ONLY-TEE`);
    }
    const heldList = await hub.api('GET', `/api/orders?held=true&merchantId=${hub.merchantId}&limit=200`);
    expect(heldList.body.items.map((o: any) => o.sourceOrderId)).toEqual(
      expect.arrayContaining(placed.map((o) => o.id)),
    );

    // Paging through the held orders two at a time still finds every one of them.
    const found = await queueHeldOrders(
      hub.running.hub,
      hub.merchantId,
      { kind: 'sku_map', entry: { kind: 'sku', storefrontConnectionId: null, key: 'SHOP-ONLY-TEE' } },
      2,
    );
    expect(found).toBe(5);

    const mapped = await hub.api('PUT', `${skuMap()}/skus/SHOP-ONLY-TEE`, {
      action: 'map',
      fulfillmentSku: 'SBX-TEE-M',
    });
    expect(mapped.status).toBe(200);
    for (const order of placed) {
      const shipped = await waitForOrderStatus(hub, order.id, 'shipped');
      expect(shipped.shipments[0].lines.map((l: any) => l.sku).sort()).toEqual(['SBX-MUG', 'SBX-TEE-M']);
      // The storefront still knows the line by its own SKU; only the 3PL gets its name for it.
      expect(shipped.lines.map((l: any) => l.sku).sort()).toEqual(['SBX-MUG', 'SHOP-ONLY-TEE']);
    }
  });

  it('under ship_rest, ships what the 3PL can identify, keeps the rest as a held part, and closes it on release', async () => {
    await setPolicy('ship_rest');
    const placed = hub.storefront.placeOrder({
      lines: [{ sku: 'SBX-TEE-M', quantity: 1 }, card('card-blue')],
    });
    // The shipped part is written back to the storefront, but the order is not called shipped.
    const partial = await waitFor(async () => {
      const order = await findOrder(hub, placed.id);
      return order?.status === 'partially_shipped' && order.shipments[0]?.trackingWrittenBack
        ? order
        : undefined;
    }, 'the identifiable part to ship and its tracking to be written back');
    expect(partial.shipments).toHaveLength(1);
    expect(partial.shipments[0].lines.map((l: any) => l.sku)).toEqual(['SBX-TEE-M']);
    expect(partial.heldLines).toBe(1);
    expect(partial.heldPart.messages[0]).toContain(`PUT ${variantPath('card-blue')}`);
    expect(partial.heldPart.actions).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: `/api/orders/${partial.id}/release` })]),
    );
    expect(partial.timeline.map((e: any) => e.type)).toContain('order.part_held');
    const fulfillments = hub.storefront.fulfillmentsOf(placed.id);
    expect(fulfillments).toHaveLength(1);
    expect(fulfillments[0]?.line_items).toHaveLength(1);

    // A change from the storefront looks at the held part again, and leaves it as it is.
    hub.storefront.updateOrder(placed.id, { note: 'please hurry' });
    const looked = await waitFor(async () => {
      const order = await findOrder(hub, placed.id);
      return order?.timeline.some((e: any) => e.type === 'order.updated') ? order : undefined;
    }, 'the storefront change to be applied');
    expect(looked).toMatchObject({ status: 'partially_shipped', heldLines: 1 });
    expect(looked.timeline.filter((e: any) => e.type === 'order.part_held')).toHaveLength(1);
    expect(looked.shipments).toHaveLength(1);

    // Released without the card: nothing else is sent, and the order is complete.
    const released = await hub.api('POST', `/api/orders/${partial.id}/release`, {
      excludeUnidentifiedLines: true,
    });
    expect(released).toMatchObject({
      status: 200,
      body: {
        outcome: 'released',
        status: 'shipped',
        excludedLines: [{ name: 'Hand-made card', sku: null }],
      },
    });
    const done = await findOrder(hub, placed.id);
    expect(done).toMatchObject({ status: 'shipped', heldLines: 0, heldPart: null });
    expect(done.lines.find((l: any) => l.name === 'Hand-made card').disposition).toBe('excluded');
    expect(hub.threePl.orders().filter((o) => o.order_number === placed.name)).toHaveLength(1);
    // A second release finds nothing held.
    const twice = await hub.api('POST', `/api/orders/${partial.id}/release`, {
      excludeUnidentifiedLines: true,
    });
    expect(twice).toMatchObject({ status: 409, body: { error: 'nothing_held' } });
  });

  it('under ship_rest, sends the held part as a second shipment once it is mapped', async () => {
    await setPolicy('ship_rest');
    const placed = hub.storefront.placeOrder({
      lines: [{ sku: 'SBX-MUG', quantity: 1 }, card('card-green')],
    });
    const partial = await waitForOrderStatus(hub, placed.id, 'partially_shipped');
    expect(partial.heldLines).toBe(1);
    await hub.api('PUT', variantPath('card-green'), { action: 'map', fulfillmentSku: 'CARD-HANDMADE' });
    const shipped = await waitFor(async () => {
      const order = await findOrder(hub, placed.id);
      return order?.status === 'shipped' && order.shipments.every((s: any) => s.trackingWrittenBack)
        ? order
        : undefined;
    }, 'the held part to ship too');
    expect(shipped.shipments.map((s: any) => s.lines.map((l: any) => l.sku))).toEqual([
      ['SBX-MUG'],
      ['CARD-HANDMADE'],
    ]);
    expect(shipped.heldLines).toBe(0);
    expect(hub.storefront.fulfillmentsOf(placed.id)).toHaveLength(2);
  });

  it('under skip, ships the rest and leaves the line out with a note; a "do not ship" product is never sent', async () => {
    await setPolicy('skip');
    const wrap = await hub.api('PUT', `${skuMap()}/skus/GIFT-WRAP`, { action: 'do_not_ship' });
    expect(wrap).toMatchObject({
      status: 200,
      body: { entry: { action: 'do_not_ship', fulfillmentSku: null } },
    });
    const placed = hub.storefront.placeOrder({
      lines: [
        { sku: 'SBX-MUG', quantity: 1 },
        { sku: 'NOT-AT-THE-3PL', quantity: 1, price: '5.00' },
        { sku: 'GIFT-WRAP', quantity: 1, price: '2.00' },
      ],
    });
    const shipped = await waitForOrderStatus(hub, placed.id, 'shipped');
    expect(shipped.shipments[0].lines.map((l: any) => l.sku)).toEqual(['SBX-MUG']);
    const bySku = Object.fromEntries(shipped.lines.map((l: any) => [l.sku, l]));
    expect(bySku['NOT-AT-THE-3PL'].disposition).toBe('skipped');
    expect(bySku['NOT-AT-THE-3PL'].dispositionDetail.message).toMatch(/does not stock SKU "NOT-AT-THE-3PL"/);
    expect(bySku['GIFT-WRAP'].disposition).toBe('do_not_ship');
    const note = shipped.timeline.find((e: any) => e.type === 'order.lines_skipped');
    expect(note.detail.lines).toEqual([
      expect.objectContaining({ sku: 'NOT-AT-THE-3PL', why: 'unknown_sku' }),
    ]);

    // With nothing identifiable, skipping would ship nothing: the order waits for a person instead.
    const nothing = hub.storefront.placeOrder({
      lines: [{ sku: 'NOT-AT-THE-3PL', quantity: 1, price: '5.00' }],
    });
    expect((await waitForOrderStatus(hub, nothing.id, 'on_hold')).statusReason).toBe('unknown_sku');
    await setPolicy('hold');
  });

  it('releases a held order without its unidentified lines, and routes the rest', async () => {
    const placed = hub.storefront.placeOrder({
      lines: [{ sku: 'SBX-TEE-M', quantity: 1 }, card('card-never')],
    });
    const held = await waitForOrderStatus(hub, placed.id, 'on_hold');
    const released = await hub.api('POST', `/api/orders/${held.id}/release`, {
      excludeUnidentifiedLines: true,
    });
    expect(released).toMatchObject({ status: 202, body: { outcome: 'queued' } });
    const shipped = await waitForOrderStatus(hub, placed.id, 'shipped');
    expect(shipped.shipments[0].lines.map((l: any) => l.sku)).toEqual(['SBX-TEE-M']);
    expect(shipped.timeline.map((e: any) => e.type)).toContain('order.released_without_lines');
  });

  it('routes an order held for a SKU again when the 3PL starts stocking it', async () => {
    const placed = hub.storefront.placeOrder({
      lines: [{ sku: 'SBX-NEW-ARRIVAL', quantity: 1, price: '8.00' }],
    });
    expect((await waitForOrderStatus(hub, placed.id, 'on_hold')).statusReason).toBe('unknown_sku');
    hub.threePl.setStock('SBX-NEW-ARRIVAL', 20);
    const shipped = await waitForOrderStatus(hub, placed.id, 'shipped');
    expect(shipped.shipments[0].lines.map((l: any) => l.sku)).toEqual(['SBX-NEW-ARRIVAL']);
  });

  it('validates the SKU map and policy requests, scoped to the merchant', async () => {
    const other = await hub.api<{ id: string }>('POST', '/api/merchants', { name: 'Another merchant' });
    const put = (path: string, body: unknown) => hub.api('PUT', path, body);
    // Bodies: one of the two actions, with a 3PL SKU in range for "map".
    expect((await put(`${skuMap()}/skus/A`, { action: 'map' })).status).toBe(400);
    expect((await put(`${skuMap()}/skus/A`, { action: 'map', fulfillmentSku: '' })).status).toBe(400);
    expect((await put(`${skuMap()}/skus/A`, { action: 'map', fulfillmentSku: 'x'.repeat(256) })).status).toBe(
      400,
    );
    expect((await put(`${skuMap()}/skus/A`, { action: 'ship_somewhere' })).status).toBe(400);
    expect((await put(`${skuMap()}/skus/A`, { action: 'do_not_ship', extra: 1 })).status).toBe(400);
    expect((await put(`${skuMap()}/skus/${'s'.repeat(256)}`, { action: 'do_not_ship' })).status).toBe(400);
    // Scope: an unknown merchant, and a storefront connection of the merchant only.
    expect(
      (
        await put('/api/merchants/00000000-0000-4000-8000-000000000000/sku-map/skus/A', {
          action: 'do_not_ship',
        })
      ).status,
    ).toBe(404);
    const foreign = await put(
      `/api/merchants/${other.body.id}/sku-map/connections/${hub.storefrontConnectionId}/products/p1`,
      { action: 'do_not_ship' },
    );
    expect(foreign).toMatchObject({ status: 404, body: { error: 'not_found' } });
    const threePlAsStorefront = await put(`${skuMap()}/connections/${hub.threePlConnectionId}/products/p1`, {
      action: 'do_not_ship',
    });
    expect(threePlAsStorefront.status).toBe(404);

    // A SKU with a slash and spaces travels URL-encoded and is stored as it is.
    const odd = 'BOX / 12 pcs';
    const stored = await put(`${skuMap()}/skus/${encodeURIComponent(odd)}`, {
      action: 'map',
      fulfillmentSku: 'BOX12',
    });
    expect(stored).toMatchObject({ status: 200, body: { entry: { kind: 'sku', key: odd } } });
    // Putting the same key again replaces the entry.
    const replaced = await put(`${skuMap()}/skus/${encodeURIComponent(odd)}`, { action: 'do_not_ship' });
    expect(replaced.body.entry).toMatchObject({ id: stored.body.entry.id, action: 'do_not_ship' });

    // Listing: newest first, by kind, one page at a time; the other merchant sees none of it.
    await put(`${skuMap()}/skus/NEWEST-ENTRY`, { action: 'do_not_ship' });
    const skus = await hub.api('GET', `${skuMap()}?kind=sku&limit=1`);
    expect(skus.body.items).toHaveLength(1);
    expect(skus.body.items[0].key).toBe('NEWEST-ENTRY');
    const next = await hub.api('GET', `${skuMap()}?kind=sku&limit=1&cursor=${skus.body.nextCursor}`);
    expect(next.body.items).toHaveLength(1);
    expect(next.body.items[0].key).toBe(odd);
    const variants = await hub.api('GET', `${skuMap()}?kind=variant&limit=200`);
    expect(variants.body.items.every((e: any) => e.kind === 'variant')).toBe(true);
    expect((await hub.api('GET', `/api/merchants/${other.body.id}/sku-map`)).body.items).toEqual([]);
    expect((await hub.api('GET', `${skuMap()}?limit=0`)).status).toBe(400);

    // Delete: 204, then 404; another merchant cannot delete it.
    expect(
      (await hub.api('DELETE', `/api/merchants/${other.body.id}/sku-map/skus/NEWEST-ENTRY`)).status,
    ).toBe(404);
    expect((await hub.api('DELETE', `${skuMap()}/skus/NEWEST-ENTRY`)).status).toBe(204);
    expect((await hub.api('DELETE', `${skuMap()}/skus/NEWEST-ENTRY`)).status).toBe(404);

    // The policy: one of three values; the default is hold.
    expect((await hub.api('GET', `/api/merchants/${other.body.id}/line-policy`)).body).toEqual({
      unidentifiedLines: 'hold',
    });
    expect(
      (
        await hub.api('PUT', `/api/merchants/${hub.merchantId}/line-policy`, {
          unidentifiedLines: 'ship_all',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await hub.api('PUT', '/api/merchants/00000000-0000-4000-8000-000000000000/line-policy', {
          unidentifiedLines: 'skip',
        })
      ).status,
    ).toBe(404);

    // The routes are documented, with their parameters.
    const docs = await fetch(`${hub.running.url}/docs/json`);
    expect(docs.status).toBe(200);
    const paths = Object.keys(((await docs.json()) as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/merchants/{merchantId}/sku-map',
        '/api/merchants/{merchantId}/sku-map/skus/{sku}',
        '/api/merchants/{merchantId}/sku-map/connections/{connectionId}/variants/{variantId}',
        '/api/merchants/{merchantId}/line-policy',
        '/api/orders/{id}/release',
      ]),
    );

    // Release: the body must be one the API knows; an order with nothing held is a 409 with the reason.
    const plain = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-MUG', quantity: 1 }] });
    const shippedOrder = await waitForOrderStatus(hub, plain.id, 'shipped');
    expect(
      (await hub.api('POST', `/api/orders/${shippedOrder.id}/release`, { excludeUnidentifiedLines: false }))
        .status,
    ).toBe(400);
    expect(await hub.api('POST', `/api/orders/${shippedOrder.id}/release`, {})).toMatchObject({
      status: 409,
      body: { error: 'nothing_held' },
    });
    const refused = await hub.api('POST', `/api/orders/${shippedOrder.id}/release`, {
      excludeUnidentifiedLines: true,
    });
    expect(refused).toMatchObject({ status: 409, body: { error: 'nothing_held' } });
    expect(refused.body.message).toMatch(/it is shipped/);
    expect(
      (
        await hub.api('POST', '/api/orders/00000000-0000-4000-8000-000000000000/release', {
          excludeUnidentifiedLines: true,
        })
      ).status,
    ).toBe(404);
  });
});
