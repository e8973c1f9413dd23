import { canonicalEventProblem } from '../../sdk/canonical-schema.ts';
import type { CanonicalEvent } from '../../sdk/contracts.ts';
import { ConnectorError, MalformedPayloadError } from '../../sdk/errors.ts';
import type { Hub } from '../hub.ts';
import { SUB_PATH_HEADER } from '../ingest.ts';
import type { JobHandler } from '../jobs.ts';
import { applyEvents } from './apply-events.ts';

const APPLIED = new Set(['processed', 'duplicate', 'rejected', 'ignored']);

/** The job behind every accepted delivery: map it with its connector, then apply the events. */
export function applyDeliveryHandler(hub: Hub): JobHandler<'apply-delivery'> {
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
          const subPath = delivery.headers[SUB_PATH_HEADER];
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
      const problems = events.map(canonicalEventProblem).filter((p): p is string => p !== null);
      if (problems.length > 0) {
        // A mapping bug in the connector: nothing is applied, and the delivery waits for a fix and a replay.
        await finish(
          hub,
          deliveryId,
          'dead',
          `invalid canonical event from ${source.row.connector}: ${problems.join('; ')}`,
        );
        return;
      }
      const summary = await applyEvents(hub, source, events, `delivery:${deliveryId}`);
      log.debug({ deliveryId, summary }, 'delivery applied');
      await finish(hub, deliveryId, 'processed', null);
    },
    async onFailure({ deliveryId }, error, { willRetry }) {
      const message =
        error instanceof ConnectorError
          ? `${error.code}: ${error.message}`
          : String((error as Error)?.message ?? error);
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
  hub: Hub,
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
