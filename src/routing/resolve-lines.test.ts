import { describe, expect, it } from 'vitest';
import {
  buildSkuMap,
  EMPTY_SKU_MAP,
  type LineToResolve,
  lookupSkuMap,
  resolveLines,
} from './resolve-lines.ts';

const base: LineToResolve = { lineId: 'l1', sku: null, quantity: 1, requiresShipping: true };
const options = { storefrontConnectionId: 'shop-1', skuMap: EMPTY_SKU_MAP, policy: 'hold' as const };

describe('SKU map lookup', () => {
  const map = buildSkuMap([
    {
      kind: 'sku',
      storefrontConnectionId: null,
      key: 'CARD',
      action: { kind: 'map', fulfillmentSku: 'BY-SKU' },
    },
    {
      kind: 'product',
      storefrontConnectionId: 'shop-1',
      key: 'p1',
      action: { kind: 'map', fulfillmentSku: 'BY-PRODUCT' },
    },
    {
      kind: 'variant',
      storefrontConnectionId: 'shop-1',
      key: 'v1',
      action: { kind: 'map', fulfillmentSku: 'BY-VARIANT' },
    },
  ]);
  const find = (line: Partial<LineToResolve>) => lookupSkuMap({ ...base, ...line }, map, 'shop-1');

  it('prefers the variant, then the SKU, then the product', () => {
    expect(find({ sku: 'CARD', sourceProductId: 'p1', sourceVariantId: 'v1' })).toEqual({
      kind: 'map',
      fulfillmentSku: 'BY-VARIANT',
    });
    expect(find({ sku: 'CARD', sourceProductId: 'p1', sourceVariantId: 'v2' })).toEqual({
      kind: 'map',
      fulfillmentSku: 'BY-SKU',
    });
    expect(find({ sku: null, sourceProductId: 'p1', sourceVariantId: 'v2' })).toEqual({
      kind: 'map',
      fulfillmentSku: 'BY-PRODUCT',
    });
    expect(find({ sku: 'OTHER', sourceProductId: 'p2' })).toBeUndefined();
  });

  it('matches a storefront SKU exactly (case and spaces count)', () => {
    expect(find({ sku: 'card' })).toBeUndefined();
    expect(find({ sku: 'CARD ' })).toBeUndefined();
  });

  it('reads product and variant ids only for the storefront that issued them', () => {
    expect(lookupSkuMap({ ...base, sourceVariantId: 'v1' }, map, 'shop-2')).toBeUndefined();
  });
});

describe('resolving lines', () => {
  it('says why each line ships, does not, or cannot be identified', () => {
    const resolved = resolveLines(
      [
        { ...base, lineId: 'a', sku: 'TEE' },
        { ...base, lineId: 'b', sku: 'GHOST' },
        { ...base, lineId: 'c', sku: null },
        { ...base, lineId: 'd', sku: 'GIFT', requiresShipping: false },
        { ...base, lineId: 'e', sku: 'TEE', quantity: 0 },
        { ...base, lineId: 'f', sku: 'TEE', excluded: true },
      ],
      { ...options, policy: 'ship_rest', knownSkus: new Set(['TEE']) },
    );
    expect(resolved).toEqual([
      { lineId: 'a', outcome: 'ship', fulfillmentSku: 'TEE', quantity: 1, mapped: false },
      {
        lineId: 'b',
        outcome: 'unidentified',
        why: 'unknown_sku',
        fulfillmentSku: 'GHOST',
        treatment: 'hold_line',
      },
      {
        lineId: 'c',
        outcome: 'unidentified',
        why: 'missing_sku',
        fulfillmentSku: null,
        treatment: 'hold_line',
      },
      { lineId: 'd', outcome: 'not_shipped', why: 'not_shippable' },
      { lineId: 'e', outcome: 'not_shipped', why: 'not_shippable' },
      { lineId: 'f', outcome: 'not_shipped', why: 'excluded' },
    ]);
  });

  it('without the 3PL catalogue, only a line with no SKU at all is unidentified', () => {
    const resolved = resolveLines(
      [
        { ...base, lineId: 'a', sku: 'ANYTHING' },
        { ...base, lineId: 'b', sku: null },
      ],
      { ...options, policy: 'skip' },
    );
    expect(resolved.map((line) => [line.lineId, line.outcome])).toEqual([
      ['a', 'ship'],
      ['b', 'unidentified'],
    ]);
    expect(resolved[1]).toMatchObject({ treatment: 'skip' });
  });

  it('maps the policy to a treatment: hold the order, hold the line, or skip it', () => {
    const lines = [
      { ...base, lineId: 'a', sku: 'TEE' },
      { ...base, lineId: 'b', sku: null },
    ];
    const treatment = (policy: 'hold' | 'ship_rest' | 'skip', partiallyRouted = false) =>
      resolveLines(lines, { ...options, policy, partiallyRouted }).find((l) => l.lineId === 'b');
    expect(treatment('hold')).toMatchObject({ treatment: 'hold_order' });
    expect(treatment('ship_rest')).toMatchObject({ treatment: 'hold_line' });
    expect(treatment('skip')).toMatchObject({ treatment: 'skip' });
    // Part of the order is at a 3PL already: there is no whole order left to hold.
    expect(treatment('hold', true)).toMatchObject({ treatment: 'hold_line' });
    expect(treatment('skip', true)).toMatchObject({ treatment: 'skip' });
  });

  it('marks a "do not ship" product as not shipped, whatever its SKU', () => {
    const skuMap = buildSkuMap([
      { kind: 'product', storefrontConnectionId: 'shop-1', key: 'wrap', action: { kind: 'do_not_ship' } },
    ]);
    expect(resolveLines([{ ...base, sku: null, sourceProductId: 'wrap' }], { ...options, skuMap })).toEqual([
      { lineId: 'l1', outcome: 'not_shipped', why: 'do_not_ship' },
    ]);
  });
});
