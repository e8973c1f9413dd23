/**
 * The webhooks the hub keeps on a store: one per topic, signed with the secret we generated, named
 * with the connection id so we find them again. WooCommerce never retries a delivery and disables a
 * webhook after seven failures in a row, so the health check looks at them on every reconciliation
 * and repairs what it finds; the catch-up poll then recovers what was missed meanwhile.
 */
import { RetryableError, type WebhookStatus } from '../../src/sdk/index.ts';
import { unexpectedResponse } from './api-errors.ts';
import { WEBHOOK_TOPICS, type WooTopic } from './read-delivery.ts';
import { totalPages, type WooClient } from './woo-client.ts';
import { type WooWebhook, wooWebhook, wooWebhookList } from './woo-payloads.ts';

export interface WebhookTarget {
  connectionId: string;
  webhookUrl: string;
  appName: string;
  secret: string;
}

export type WebhookAction =
  | { kind: 'create'; topic: WooTopic }
  | {
      kind: 'update';
      id: number;
      topic: WooTopic;
      reason: 'reconnect' | 'disabled' | 'moved';
      changes: { status?: 'active'; delivery_url?: string };
    }
  | { kind: 'delete'; id: number; topic: string; reason: 'duplicate' | 'obsolete' };

export interface WebhookPlan {
  actions: WebhookAction[];
  /** Ours that need nothing, by topic. */
  kept: Partial<Record<WooTopic, number>>;
  /** Topics whose webhook a person paused in WooCommerce: left alone, covered by polling. */
  paused: WooTopic[];
}

export function webhookName(target: Pick<WebhookTarget, 'appName' | 'connectionId'>, topic: string): string {
  return `${target.appName}: ${topic} [${target.connectionId}]`;
}

/** Ours: named with our connection id, or delivering to our URL (a hub whose public URL moved). */
export function isOurWebhook(
  webhook: WooWebhook,
  target: Pick<WebhookTarget, 'connectionId' | 'webhookUrl'>,
): boolean {
  return webhook.name.includes(`[${target.connectionId}]`) || webhook.delivery_url === target.webhookUrl;
}

/**
 * What to change so that the store has exactly one working webhook of ours per topic. On connect
 * every one of ours is re-armed (a re-install brings a new secret, and the merchant connecting is
 * consent to re-activate even a paused one); on repair only disabled, missing or moved ones are
 * touched, and a paused one is left to the person who paused it.
 */
export function planWebhooks(
  remote: WooWebhook[],
  target: WebhookTarget,
  mode: 'connect' | 'repair',
): WebhookPlan {
  const ours = remote.filter((webhook) => isOurWebhook(webhook, target));
  const plan: WebhookPlan = { actions: [], kept: {}, paused: [] };
  for (const webhook of ours) {
    if (!(WEBHOOK_TOPICS as readonly string[]).includes(webhook.topic)) {
      plan.actions.push({ kind: 'delete', id: webhook.id, topic: webhook.topic, reason: 'obsolete' });
    }
  }
  for (const topic of WEBHOOK_TOPICS) {
    // An active one is the keeper; extra copies (a create whose answer was lost) would double every delivery.
    const [keeper, ...extras] = ours
      .filter((webhook) => webhook.topic === topic)
      .sort((a, b) => Number(b.status === 'active') - Number(a.status === 'active') || a.id - b.id);
    for (const extra of extras)
      plan.actions.push({ kind: 'delete', id: extra.id, topic, reason: 'duplicate' });
    if (!keeper) {
      plan.actions.push({ kind: 'create', topic });
      continue;
    }
    const moved = keeper.delivery_url !== target.webhookUrl;
    if (mode === 'connect') {
      plan.actions.push({
        kind: 'update',
        id: keeper.id,
        topic,
        reason: 'reconnect',
        changes: { status: 'active', delivery_url: target.webhookUrl },
      });
    } else if (keeper.status !== 'active' && keeper.status !== 'paused') {
      plan.actions.push({
        kind: 'update',
        id: keeper.id,
        topic,
        reason: 'disabled',
        changes: { status: 'active', ...(moved ? { delivery_url: target.webhookUrl } : {}) },
      });
    } else if (moved) {
      plan.actions.push({
        kind: 'update',
        id: keeper.id,
        topic,
        reason: 'moved',
        changes: { delivery_url: target.webhookUrl },
      });
    } else {
      plan.kept[topic] = keeper.id;
      if (keeper.status === 'paused') plan.paused.push(topic);
    }
  }
  return plan;
}

/**
 * Pure: our webhook per topic as the store has it once the plan is applied, for the connection's
 * health: the store's own status for one left alone, `active` with what was done for one repaired.
 */
export function webhookStatuses(remote: WooWebhook[], plan: WebhookPlan): WebhookStatus[] {
  return WEBHOOK_TOPICS.map((topic) => {
    const change = plan.actions.find((action) => action.topic === topic && action.kind !== 'delete');
    if (change?.kind === 'create') return { topic, status: 'active', repaired: 'created' };
    if (change?.kind === 'update') {
      const repaired = { reconnect: 'rearmed', disabled: 'reactivated', moved: 'moved' }[change.reason];
      return { topic, status: 'active', repaired };
    }
    const kept = remote.find((webhook) => webhook.id === plan.kept[topic]);
    return { topic, status: kept?.status ?? 'missing' };
  });
}

/** Every webhook on the store, whatever its status. */
export async function listWebhooks(client: WooClient): Promise<WooWebhook[]> {
  const webhooks: WooWebhook[] = [];
  for (let page = 1, pages = 1; page <= pages && page <= 20; page++) {
    const response = await client.request({
      method: 'GET',
      path: 'webhooks',
      query: { status: 'all', per_page: 100, page, orderby: 'id', order: 'asc' },
    });
    if (response.status !== 200) throw unexpectedResponse('GET wc/v3/webhooks', response, 'webhooks_refused');
    webhooks.push(...wooWebhookList.fromResponse(response.body, 'GET wc/v3/webhooks'));
    pages = totalPages(response);
  }
  return webhooks;
}

export interface AppliedPlan {
  /** Our webhook id per topic, after the changes. */
  ids: Partial<Record<WooTopic, number>>;
  /** One entry per change, for the health report: `created:order.updated`, `reactivated:…`. */
  repaired: string[];
}

export async function applyWebhookPlan(
  client: WooClient,
  plan: WebhookPlan,
  target: WebhookTarget,
): Promise<AppliedPlan> {
  const ids: Partial<Record<WooTopic, number>> = { ...plan.kept };
  const repaired: string[] = [];
  for (const action of plan.actions) {
    switch (action.kind) {
      case 'create': {
        // Always created active, and pinged at once (our ping answer is a 200).
        const response = await client.request({
          method: 'POST',
          path: 'webhooks',
          body: {
            name: webhookName(target, action.topic),
            topic: action.topic,
            delivery_url: target.webhookUrl,
            secret: target.secret,
          },
        });
        if (response.status !== 201 && response.status !== 200) {
          throw unexpectedResponse('POST wc/v3/webhooks', response, 'webhook_refused');
        }
        ids[action.topic] = wooWebhook.fromResponse(response.body, 'POST wc/v3/webhooks').id;
        repaired.push(`created:${action.topic}`);
        break;
      }
      case 'update': {
        const response = await client.request({
          method: 'PUT',
          path: `webhooks/${action.id}`,
          // The secret goes with every update: a webhook disabled after signature failures (a
          // re-install whose secret never reached it) would otherwise fail again at once.
          body: { name: webhookName(target, action.topic), secret: target.secret, ...action.changes },
        });
        if (response.status === 404) {
          // Deleted between our list and our update: the next check creates it.
          throw new RetryableError('webhook_vanished', `webhook ${action.id} (${action.topic}) disappeared`, {
            id: action.id,
          });
        }
        if (response.status !== 200)
          throw unexpectedResponse('PUT wc/v3/webhooks/:id', response, 'webhook_refused');
        ids[action.topic] = wooWebhook.fromResponse(response.body, 'PUT wc/v3/webhooks/:id').id;
        if (action.reason === 'disabled') repaired.push(`reactivated:${action.topic}`);
        if (action.reason === 'moved') repaired.push(`moved:${action.topic}`);
        break;
      }
      case 'delete': {
        const response = await client.request({
          method: 'DELETE',
          path: `webhooks/${action.id}`,
          query: { force: true },
        });
        if (response.status !== 200 && response.status !== 404 && response.status !== 410) {
          throw unexpectedResponse('DELETE wc/v3/webhooks/:id', response, 'webhook_refused');
        }
        repaired.push(`deleted:${action.topic}#${action.id}`);
        break;
      }
    }
  }
  return { ids, repaired };
}
