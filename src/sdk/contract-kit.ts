/**
 * The contract every connector must pass, as a vitest suite: call `describeConnectorContract` from
 * the connector's own tests with a signed sample delivery. It checks what the hub relies on and
 * cannot check itself until it is too late: the manifest, failing closed on signatures, stable
 * dedupe keys, and canonical events that match the schema. Its outbound half (submit, find,
 * cancel, poll, refusals) is `describeFulfillmentOutbound` / `describeStorefrontOutbound` in
 * `contract-kit-outbound.ts`; every connector runs both.
 *
 * @example
 * describeConnectorContract(acme, () => ({
 *   context: acmeContext(),
 *   signatureHeader: 'x-acme-signature',
 *   signed: signedDelivery('order.created', fixture('order.json')),
 * }));
 */
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { canonicalEventProblem } from './canonical-schema.ts';
import type {
  ConnectionContext,
  FulfillmentConnector,
  InboundRequest,
  StorefrontConnector,
} from './contracts.ts';

export * from './contract-kit-outbound.ts';

export interface ContractSamples<S = Record<string, unknown>, C = Record<string, unknown>> {
  context: ConnectionContext<S, C>;
  /** A correctly signed delivery the connector accepts. */
  signed: InboundRequest;
  /** The header that carries the signature (removed and tampered with by the kit). */
  signatureHeader: string;
}

export function describeConnectorContract<S, C>(
  connector: StorefrontConnector<S, C> | FulfillmentConnector<S, C>,
  samples: () => ContractSamples<S, C> | Promise<ContractSamples<S, C>>,
) {
  describe(`${connector.manifest.name}: the connector contract`, () => {
    it('has a manifest the hub can use', () => {
      const { manifest } = connector;
      expect(manifest.name).toMatch(/^[a-z0-9][a-z0-9-]{0,63}$/);
      expect(['storefront', 'fulfillment']).toContain(manifest.role);
      const ajv = new Ajv({ strict: false });
      addFormats.default(ajv);
      expect(() => ajv.compile(manifest.settingsSchema)).not.toThrow();
      expect(() => ajv.compile(manifest.credentialsSchema)).not.toThrow();
      expect(manifest.rateLimit.concurrency).toBeGreaterThan(0);
      expect(manifest.rateLimit.intervalCap).toBeGreaterThan(0);
      expect(manifest.rateLimit.intervalMs).toBeGreaterThan(0);
    });

    it('accepts its signed sample', async () => {
      const { signed, context } = await samples();
      expect(await connector.verifyWebhook(signed, context)).toEqual({ ok: true });
    });

    it('fails closed without a signature', async () => {
      const { signed, context, signatureHeader } = await samples();
      const headers = { ...signed.headers };
      delete headers[signatureHeader.toLowerCase()];
      const result = await connector.verifyWebhook({ ...signed, headers }, context);
      expect(result).toMatchObject({ ok: false, reason: 'missing_signature' });
    });

    it('rejects a body changed by one byte, and a forged signature', async () => {
      const { signed, context, signatureHeader } = await samples();
      const tampered = Buffer.from(signed.rawBody);
      tampered[tampered.length - 2] = (tampered[tampered.length - 2] ?? 0) ^ 1;
      expect(await connector.verifyWebhook({ ...signed, rawBody: tampered }, context)).toMatchObject({
        ok: false,
      });
      const forged = { ...signed.headers, [signatureHeader.toLowerCase()]: 'AAAA' };
      expect(await connector.verifyWebhook({ ...signed, headers: forged }, context)).toMatchObject({
        ok: false,
        reason: 'bad_signature',
      });
    });

    it('gives the same dedupe key for the same delivery, every time', async () => {
      const { signed, context } = await samples();
      const first = connector.parseWebhook(signed, context);
      const second = connector.parseWebhook(
        { headers: { ...signed.headers }, rawBody: Buffer.from(signed.rawBody) },
        context,
      );
      expect(first.dedupeKey).toEqual(expect.any(String));
      expect(first.dedupeKey.length).toBeGreaterThan(0);
      expect(second.dedupeKey).toBe(first.dedupeKey);
      expect(first.topic.length).toBeGreaterThan(0);
    });

    it('maps its sample to canonical events that match the schema', async () => {
      const { signed, context } = await samples();
      const parsed = connector.parseWebhook(signed, context);
      const events = await connector.toEvents({ topic: parsed.topic, ...signed }, context);
      expect(Array.isArray(events)).toBe(true);
      // A sample that maps to nothing checks nothing: give the kit one that means something.
      expect(events.length).toBeGreaterThan(0);
      for (const event of events) expect(canonicalEventProblem(event)).toBeNull();
    });
  });
}
