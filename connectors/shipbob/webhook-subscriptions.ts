/**
 * The hub's one webhook subscription in the merchant's ShipBob account: every topic below, to this
 * connection's webhook URL, signed with a secret the hub generated and keeps. ShipBob's webhook API
 * has create, list and delete (no update), the list shows `enabled` but never the secret, and only
 * the create answer returns it. So the plan, run on connect and on every health check, is:
 *
 * - one enabled subscription at our URL with every topic, made with the secret we hold: keep it;
 * - anything else at our URL (missing topics, disabled, duplicates, made before we held a
 *   secret): delete it and make one that is right, so nothing is delivered twice or unsigned.
 *
 * Subscriptions to other URLs (the merchant's own integrations) are never touched.
 */
import { randomBytes } from 'node:crypto';
import { unexpectedResponse } from './api-errors.ts';
import type { ShipBobClient } from './client.ts';
import { readState, type ShipBobContext } from './connection.ts';
import { createdSubscription, idOf, type ShipBobSubscription, subscriptionPage } from './payloads.ts';
import { currentCredentials } from './token-refresh.ts';

/** The shipment topics of ShipBob's 2026-07 webhook list (developer.shipbob.com/2026-07/guides/tracking). */
export const TOPICS = [
  'order.shipped',
  'order.shipment.tracking.updated',
  'order.shipment.delivered',
  'order.delivered',
  'order.shipment.exception',
  'order.shipment.on_hold',
  'order.shipment.cancelled',
] as const;
export type Topic = (typeof TOPICS)[number];

const MAX_PAGES = 20;

/** A Standard Webhooks secret: `whsec_` and base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export async function listSubscriptions(client: ShipBobClient): Promise<ShipBobSubscription[]> {
  const found: ShipBobSubscription[] = [];
  let response = await client.request({ method: 'GET', path: 'webhook', query: { RecordsPerPage: 50 } });
  for (let page = 1; ; page += 1) {
    if (response.status !== 200) throw unexpectedResponse('GET /webhook', response, 'webhooks_refused');
    const body = subscriptionPage.fromResponse(response.body, 'GET /webhook');
    found.push(...(body.items ?? []));
    if (!body.next || page >= MAX_PAGES) return found;
    response = await client.follow(body.next);
  }
}

export interface SubscriptionPlan {
  keep: string | null;
  remove: string[];
  create: boolean;
}

/** Pure: what to do with the subscriptions found, given whether our secret is the one they were made with. */
export function planSubscriptions(
  found: ShipBobSubscription[],
  target: { url: string; knownId: string | null; secretIsFresh: boolean },
): SubscriptionPlan {
  const ours = found.filter((s) => s.url === target.url);
  const complete = (s: ShipBobSubscription) =>
    s.enabled !== false && TOPICS.every((topic) => (s.topics ?? []).includes(topic));
  // With a fresh secret nothing already there can be verified; otherwise prefer the one we made.
  const keep = target.secretIsFresh
    ? undefined
    : (ours.find((s) => idOf(s.id) === target.knownId && complete(s)) ?? ours.find(complete));
  return {
    keep: keep ? idOf(keep.id) : null,
    remove: ours.filter((s) => s !== keep).map((s) => idOf(s.id)),
    create: !keep,
  };
}

/** Brings the account in line with the plan; returns what changed (`created:<id>`, `deleted:<id>`). */
export async function ensureSubscription(
  context: ShipBobContext,
  client: ShipBobClient,
  channelId: number,
): Promise<{ repaired: string[]; subscriptionId: string }> {
  const credentials = currentCredentials(context);
  let secret = credentials.webhookSecret;
  const secretIsFresh = !secret;
  if (!secret) {
    secret = generateWebhookSecret();
    // Stored before ShipBob hears of it, so a delivery can never arrive signed with a secret we lost.
    await context.saveCredentials({ ...credentials, webhookSecret: secret });
  }
  const state = readState(context.state);
  const plan = planSubscriptions(await listSubscriptions(client), {
    url: context.webhookUrl,
    knownId: state.subscription?.id ?? null,
    secretIsFresh,
  });
  const repaired: string[] = [];
  for (const id of plan.remove) {
    const response = await client.request({
      method: 'DELETE',
      path: `webhook/${encodeURIComponent(id)}`,
      channelId,
    });
    // Gone already is what we wanted.
    if (response.status !== 204 && response.status !== 200 && response.status !== 404) {
      throw unexpectedResponse('DELETE /webhook/:id', response, 'webhooks_refused');
    }
    repaired.push(`deleted:${id}`);
  }
  let subscriptionId = plan.keep;
  if (plan.create) {
    const response = await client.request({
      method: 'POST',
      path: 'webhook',
      channelId,
      body: {
        topics: [...TOPICS],
        url: context.webhookUrl,
        secret,
        description: `Fulfillment hub connection ${context.connectionId}`,
      },
    });
    if (response.status !== 200 && response.status !== 201) {
      throw unexpectedResponse('POST /webhook', response, 'webhook_subscription_refused');
    }
    const created = createdSubscription.fromResponse(response.body, 'POST /webhook');
    subscriptionId = idOf(created.id);
    if (created.secret && created.secret !== secret) {
      // ShipBob signs with what it answers; keep that one.
      await context.saveCredentials({ ...currentCredentials(context), webhookSecret: created.secret });
    }
    repaired.push(`created:${subscriptionId}`);
  }
  await context.saveState({
    subscription: { id: subscriptionId as string, url: context.webhookUrl, topics: [...TOPICS] },
  });
  return { repaired, subscriptionId: subscriptionId as string };
}
