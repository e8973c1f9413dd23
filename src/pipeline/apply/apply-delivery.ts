import { failureMessage } from '../../db/database-errors.ts';
import { canonicalEventProblem } from '../../sdk/canonical-schema.ts';
import type { CanonicalEvent } from '../../sdk/contracts.ts';
import { ConnectorError, MalformedPayloadError } from '../../sdk/errors.ts';
import type { Hub } from '../hub.ts';
import type { JobHandler } from '../jobs.ts';
import { type ApplyDeps, applyEvents } from './apply-events.ts';
import { holdInvalidOrder } from './hold-invalid-order.ts';

const APPLIED = new Set(['processed', 'duplicate', 'rejected', 'ignored']);

export type ApplyDeliveryDeps = ApplyDeps & {
  /** Takes an order the delivery changed forward (route, submit, answer): a later stage's work, passed in. */
  advanceOrder: (orderId: string) => Promise<void>;
};

/**
 * The job behind every accepted delivery: map it with its connector, apply the events, then take
 * the orders they changed forward in the same job.
 */
export function applyDeliveryHandler(hub: ApplyDeliveryDeps): JobHandler<'apply-delivery'> {
  return {
    async run({ deliveryId }, { log }) {
      const delivery = await hub.db
        .selectFrom('deliveries')
        .selectAll()
        .where('id', '=', deliveryId)
        .executeTakeFirst();
      if (!delivery || APPLIED.has(delivery.status) || !delivery.connection_id || !delivery.body) return;
      const source = await hub.connections.get(delivery.connection_id);
      if (!source) {
        await finish(hub, deliveryId, 'ignored', 'connection no longer exists');
        return;
      }
      const rawBody = Buffer.from(delivery.body);
      let events: CanonicalEvent[];
      if (delivery.source === 'poll') {
        events = JSON.parse(rawBody.toString('utf8')) as CanonicalEvent[];
      } else {
        try {
          const subPath = delivery.sub_path;
          events = await source.connector.toEvents(
            {
              topic: delivery.topic ?? '',
              headers: delivery.headers,
              rawBody,
              ...(subPath ? { subPath } : {}),
            },
            source.context,
          );
        } catch (error) {
          if (error instanceof MalformedPayloadError) {
            await finish(hub, deliveryId, 'dead', `cannot map: ${error.message}`);
            return;
          }
          throw error;
        }
      }
      const via = `delivery:${deliveryId}`;
      const problems: string[] = [];
      const valid: CanonicalEvent[] = [];
      for (const event of events) {
        const problem = canonicalEventProblem(event);
        if (problem === null) {
          valid.push(event);
          // The connector found the order unusable itself: applied as a hold, and shown here too.
          if (event.type === 'order.invalid') problems.push(`order ${event.sourceOrderId}: ${event.problem}`);
          continue;
        }
        // A mapping bug in the connector (or a value it let through): not applied. An order it was
        // about is held with the problem, like an order the connector itself found unusable.
        problems.push(`invalid canonical event from ${source.row.connector}: ${problem}`);
        if (event.type === 'order.upserted' && source.row.role === 'storefront') {
          const order = event.order as unknown as Record<string, unknown> | null;
          await holdInvalidOrder(
            hub,
            { merchantId: source.row.merchant_id, storefrontConnectionId: source.row.id, via },
            { sourceOrderId: order?.sourceOrderId, sourceUpdatedAt: order?.sourceUpdatedAt, problem },
          );
        }
      }
      const summary = await applyEvents(hub, source, valid, via);
      for (const orderId of summary.advance) await hub.advanceOrder(orderId);
      log.debug({ deliveryId, summary }, 'delivery applied');
      // What could not be applied waits for a person (and a replay, or the storefront's next version).
      if (problems.length > 0) await finish(hub, deliveryId, 'dead', problems.join('; ').slice(0, 2000));
      else await finish(hub, deliveryId, 'processed', null);
    },
    async onFailure({ deliveryId }, error, { willRetry }) {
      // A database error is recorded by its class only: its text quotes the values it refused.
      const message =
        error instanceof ConnectorError ? `${error.code}: ${error.message}` : failureMessage(error);
      await hub.db
        .updateTable('deliveries')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          last_error: message.slice(0, 2000),
          // Needs-a-human failures and exhausted retries are both dead: shown, and replayable.
          status: willRetry ? 'failed' : 'dead',
        }))
        .where('id', '=', deliveryId)
        .execute();
    },
  };
}

async function finish(
  hub: Pick<Hub, 'db'>,
  deliveryId: string,
  status: 'processed' | 'ignored' | 'dead',
  error: string | null,
) {
  await hub.db
    .updateTable('deliveries')
    .set((eb) => ({ status, attempts: eb('attempts', '+', 1), last_error: error, processed_at: new Date() }))
    .where('id', '=', deliveryId)
    .execute();
}
