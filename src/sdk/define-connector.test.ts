import Type from 'typebox';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ConnectionContext } from './contracts.ts';
import { type ContextOf, defineFulfillment, defineManifest, readState } from './define-connector.ts';

const manifest = defineManifest({
  name: 'acme',
  displayName: 'Acme 3PL',
  role: 'fulfillment',
  settings: Type.Object({ baseUrl: Type.String({ format: 'uri' }) }, { additionalProperties: false }),
  credentials: Type.Object({
    apiKey: Type.String({ minLength: 1 }),
    previousKey: Type.Optional(Type.String()),
  }),
  rateLimit: { concurrency: 1, intervalMs: 1000, intervalCap: 1 },
});

describe('defineManifest and defineFulfillment', () => {
  it('keep the schemas as the manifest’s JSON Schemas, and type the contexts by them', () => {
    expect(manifest.settingsSchema).toMatchObject({
      type: 'object',
      required: ['baseUrl'],
      additionalProperties: false,
      properties: { baseUrl: { type: 'string', format: 'uri' } },
    });
    expect(manifest.credentialsSchema).toMatchObject({ required: ['apiKey'] });
    expect(manifest).not.toHaveProperty('settings');
    expectTypeOf<ContextOf<typeof manifest>>().toEqualTypeOf<
      ConnectionContext<{ baseUrl: string }, { apiKey: string; previousKey?: string }>
    >();
    const connector = defineFulfillment(manifest, {
      verifyWebhook: (_request, context) => {
        expectTypeOf(context.settings.baseUrl).toBeString();
        expectTypeOf(context.credentials.apiKey).toBeString();
        return { ok: true };
      },
      parseWebhook: () => ({ topic: 't', dedupeKey: 'k', serialKey: null }),
      toEvents: () => [],
      submitShipment: async () => ({ externalId: 'x', status: 'submitted' }),
      findShipment: async () => null,
      cancelShipment: async () => ({ outcome: 'cancelled', reason: null }),
      fetchStock: async () => [],
      pollSince: async () => ({ events: [], nextCursor: null }),
    });
    expect(connector.manifest).toBe(manifest);
  });
});

describe('readState', () => {
  const State = Type.Object({
    connectedAt: Type.Optional(Type.String({ format: 'date-time' })),
    webhookIds: Type.Optional(Type.Record(Type.String(), Type.Integer())),
  });

  it('keeps each property that fits its schema and leaves out the rest', () => {
    expect(
      readState(State, { connectedAt: '2025-01-01T00:00:00Z', webhookIds: { 'order.updated': 7 }, other: 1 }),
    ).toEqual({ connectedAt: '2025-01-01T00:00:00Z', webhookIds: { 'order.updated': 7 } });
    expect(readState(State, { connectedAt: 'yesterday', webhookIds: { 'order.updated': 'x' } })).toEqual({});
    const state = readState(State, {});
    expectTypeOf(state.connectedAt).toEqualTypeOf<string | undefined>();
  });
});
