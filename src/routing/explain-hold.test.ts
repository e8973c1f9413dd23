import { describe, expect, it } from 'vitest';
import {
  type ExplainedLine,
  explainOrderHold,
  explainSubmitHold,
  explainUnidentified,
} from './explain-hold.ts';

const scope = { merchantId: 'm-1', orderId: 'o-1', storefrontConnectionId: 'c-1' };
const card: ExplainedLine = {
  lineId: 'l-1',
  name: 'Hand-made card',
  sku: null,
  sourceProductId: 'p-7',
  sourceVariantId: 'v-70',
  why: 'missing_sku',
  fulfillmentSku: null,
};

describe('what releases a hold', () => {
  it('names the SKU map entry to put for a line without a SKU, and the release without it', () => {
    const { message, actions } = explainUnidentified([card], scope);
    expect(message).toContain('"Hand-made card" has no SKU');
    expect(message).toContain('PUT /api/merchants/m-1/sku-map/connections/c-1/variants/v-70');
    expect(message).toContain('POST /api/orders/o-1/release');
    expect(actions.map((a) => `${a.method} ${a.path}`)).toEqual([
      'PUT /api/merchants/m-1/sku-map/connections/c-1/variants/v-70',
      'PUT /api/merchants/m-1/sku-map/connections/c-1/products/p-7',
      'POST /api/orders/o-1/release',
      'PUT /api/merchants/m-1/line-policy',
    ]);
    expect(actions[2]?.body).toEqual({ excludeUnidentifiedLines: true });
  });

  it('for a line with neither SKU nor product, says to fix it in the storefront or release without it', () => {
    const { message, actions } = explainUnidentified(
      [{ ...card, sourceProductId: null, sourceVariantId: null }],
      scope,
    );
    expect(message).toMatch(/no SKU and no product id, .*: give it a SKU in the storefront/);
    expect(actions.map((a) => a.path)).toEqual(['/api/orders/o-1/release', '/api/merchants/m-1/line-policy']);
  });

  it('names the storefront SKU to map when the 3PL does not stock it, URL-encoded', () => {
    const { message, actions } = explainUnidentified(
      [{ ...card, sku: 'BOX / 12', why: 'unknown_sku', fulfillmentSku: 'BOX-12' }],
      scope,
    );
    expect(message).toContain('SKU "BOX-12" (the SKU map\'s name for "BOX / 12")');
    expect(actions[0]?.path).toBe('/api/merchants/m-1/sku-map/skus/BOX%20%2F%2012');
  });

  it('does not offer the policy change for a held part: the order already ships the rest', () => {
    const { message, actions } = explainUnidentified([card], { ...scope, part: true });
    expect(message).toMatch(/^The rest of the order was sent/);
    expect(actions.some((a) => a.path.endsWith('/line-policy'))).toBe(false);
  });

  it('says how to release every other hold', () => {
    expect(explainOrderHold('no_fulfillment_connection', scope).message).toContain(
      'POST /api/orders/o-1/retry',
    );
    expect(explainOrderHold('nothing_to_ship', scope).message).toMatch(
      /Nothing in this order needs shipping/,
    );
    const noAddress = explainSubmitHold('missing_address', 'the order has no shipping address', 'o-1');
    expect(noAddress.message).toBe(
      'the order has no shipping address. To release it, add a shipping address in the storefront (the order is routed again when it changes), then route it again via POST /api/orders/o-1/retry.',
    );
    expect(noAddress.actions).toEqual([
      expect.objectContaining({ method: 'POST', path: '/api/orders/o-1/retry' }),
    ]);
  });
});
