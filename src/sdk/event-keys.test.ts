import { describe, expect, it } from 'vitest';
import { CANONICAL_EVENT_TYPES, type CanonicalEvent, canonicalEventSchema } from './canonical-events.ts';
import { canonicalEventProblem } from './canonical-schema.ts';
import {
  MAX_KEY_LENGTH,
  orderSerialKey,
  pollDedupeKey,
  STOCK_SERIAL_KEY,
  serialKeyOfEvent,
  shipmentSerialKey,
  storableKey,
} from './event-keys.ts';

const at = '2025-01-01T00:00:00Z';
const later = '2025-01-02T00:00:00Z';
const customer = { email: 'a@example.com', sourceCustomerId: 'c1', sourceOrderIds: ['1001'] };
const order = (sourceUpdatedAt: string) => ({
  sourceOrderId: '1001',
  sourceOrderName: '#1001',
  sourceUpdatedAt,
  placedAt: at,
  currency: 'EUR',
  totalMinor: 100,
  email: null,
  shippingAddress: null,
  shippingMethod: null,
  lines: [],
  tags: [],
  note: null,
  test: false,
  readyToFulfill: true,
  cancelled: false,
});

/** One well-formed event of every type, each with its expected serial key. */
const examples: [CanonicalEvent, string | null][] = [
  [{ type: 'order.upserted', order: order(at) }, 'order:1001'],
  [{ type: 'order.cancelled', sourceOrderId: '1001', sourceUpdatedAt: at }, 'order:1001'],
  [
    {
      type: 'order.invalid',
      sourceOrderId: '1001',
      sourceOrderName: null,
      sourceUpdatedAt: null,
      problem: 'x',
    },
    'order:1001',
  ],
  [
    {
      type: 'shipment.updated',
      reference: 'ship-1',
      externalId: 'r-1',
      status: 'shipped',
      tracking: { carrier: null, number: 'T1', url: null },
      reason: null,
      occurredAt: at,
    },
    'shipment:ship-1',
  ],
  [{ type: 'stock.changed', levels: [{ sku: 'A', location: 'w', available: 1 }], occurredAt: at }, 'stock'],
  [{ type: 'storefront.stock_changed', levels: [{ sku: 'A', available: 1 }], occurredAt: at }, 'stock'],
  [{ type: 'connection.uninstalled', occurredAt: at }, null],
  [{ type: 'customer.redact', customer, requestId: 'r1' }, null],
  [{ type: 'customer.data_request', customer, requestId: 'r2' }, null],
  [{ type: 'account.redact', requestId: 'r3' }, null],
];

describe('the canonical event types', () => {
  it('are listed once, in the schema, and every example of each is well-formed', () => {
    expect(canonicalEventSchema.anyOf.map((variant) => variant.properties.type.const)).toEqual(
      CANONICAL_EVENT_TYPES,
    );
    expect(examples.map(([event]) => event.type)).toEqual(CANONICAL_EVENT_TYPES);
    for (const [event] of examples) expect(canonicalEventProblem(event)).toBeNull();
  });
});

describe('serial keys', () => {
  it('follow the documented forms: order:<source order id>, shipment:<reference>, stock', () => {
    expect(orderSerialKey('1001')).toBe('order:1001');
    expect(shipmentSerialKey('ship-1')).toBe('shipment:ship-1');
    expect(STOCK_SERIAL_KEY).toBe('stock');
    for (const [event, key] of examples) expect(serialKeyOfEvent(event)).toBe(key);
  });
});

describe('poll dedupe keys', () => {
  it('give the same news the same key and new news a new one', () => {
    const keys = examples.map(([event]) => pollDedupeKey(event));
    expect(new Set(keys).size).toBe(keys.length);
    for (const [event] of examples) expect(pollDedupeKey(structuredClone(event))).toBe(pollDedupeKey(event));
    expect(pollDedupeKey({ type: 'order.upserted', order: order(later) })).not.toBe(keys[0]);
    const [shipped] = examples[3]!;
    expect(pollDedupeKey({ ...shipped, status: 'delivered' } as CanonicalEvent)).not.toBe(keys[3]);
  });

  it('are indexable: a long key or one with a NUL becomes a digest', () => {
    expect(storableKey('order:1001')).toBe('order:1001');
    const long = storableKey(`order:${'x'.repeat(MAX_KEY_LENGTH)}`);
    expect(long).toMatch(/^poll:sha256:[0-9a-f]{64}$/);
    expect(storableKey('a\u0000b')).toMatch(/^poll:sha256:/);
    const longId = { type: 'order.cancelled', sourceOrderId: 'y'.repeat(250), sourceUpdatedAt: at } as const;
    expect(serialKeyOfEvent(longId)).toMatch(/^poll:sha256:/);
  });
});
