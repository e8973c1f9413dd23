import { createHash } from 'node:crypto';
import type { CanonicalEvent } from '../sdk/contracts.ts';
import { isStorableText } from '../sdk/payload.ts';
import type { Hub } from './hub.ts';
import { enqueue, type JobHandler } from './jobs.ts';

/**
 * Webhooks are hints; this is the truth. Each connection is asked what changed since its cursor,
 * and the answer goes through the same inbox as a webhook would (a delivery with source `poll`,
 * deduplicated, replayable), so both paths apply a change exactly once.
 */
export function reconcileHandler(hub: Hub): JobHandler<'reconcile'> {
  return {
    async run({ connectionId }, { log }) {
      if (!connectionId) {
        const active = await hub.db
          .selectFrom('connections')
          .select('id')
          .where('status', '=', 'active')
          .execute();
        for (const { id } of active)
          await enqueue(hub.boss, 'reconcile', { connectionId: id }, { serialKey: id });
        return;
      }
      const source = await hub.connections.get(connectionId);
      if (source?.row.status !== 'active') return;
      if (source.connector.checkHealth) {
        // Webhooks a platform disabled or deleted are put back before we look for what they missed.
        const health = await hub.connections.call(source, () =>
          source.connector.checkHealth!(source.context),
        );
        if (!health.healthy || health.repaired.length > 0) {
          log.warn(
            { connectionId, repaired: health.repaired, healthy: health.healthy },
            'connection repaired',
          );
        }
      }
      const cursor = source.row.poll_cursor;
      const result = await hub.connections.call(source, () =>
        source.connector.pollSince(source.context, cursor),
      );
      let recorded = 0;
      await hub.db.transaction().execute(async (trx) => {
        for (const event of result.events) {
          const body = Buffer.from(JSON.stringify([event]));
          const key = storableKey(pollDedupeKey(event));
          const serialKey = serialKeyOf(event);
          const inserted = await trx
            .insertInto('deliveries')
            .values({
              merchant_id: source.row.merchant_id,
              connection_id: source.row.id,
              connector: source.row.connector,
              source: 'poll',
              topic: event.type,
              dedupe_key: key,
              serial_key: serialKey,
              headers: JSON.stringify({}),
              body,
              body_size: body.length,
              status: 'received',
              http_status: 200,
            })
            .onConflict((oc) =>
              oc
                .columns(['connection_id', 'dedupe_key'])
                .where('duplicate_of', 'is', null)
                .where('dedupe_key', 'is not', null)
                .doNothing(),
            )
            .returning('id')
            .executeTakeFirst();
          if (!inserted) continue;
          recorded += 1;
          await enqueue(
            hub.boss,
            'apply-delivery',
            { deliveryId: inserted.id },
            {
              serialKey: `${source.row.id}:${serialKey ?? inserted.id}`,
              trx,
            },
          );
        }
        if (result.nextCursor && result.nextCursor !== cursor) {
          await trx
            .updateTable('connections')
            .set({ poll_cursor: result.nextCursor })
            .where('id', '=', source.row.id)
            .execute();
        }
      });
      if (result.nextCursor) hub.connections.forget(source.row.id);
      log.info(
        { connectionId, polled: result.events.length, recorded, cursor: result.nextCursor ?? cursor },
        'reconciled',
      );
    },
  };
}

function pollDedupeKey(event: CanonicalEvent): string {
  switch (event.type) {
    case 'order.upserted':
      return `poll:order:${event.order.sourceOrderId}:${event.order.sourceUpdatedAt}`;
    case 'order.cancelled':
      return `poll:cancel:${event.sourceOrderId}:${event.sourceUpdatedAt}`;
    case 'order.invalid':
      // Without a readable version, the same problem read again is the same news.
      return `poll:invalid:${event.sourceOrderId}:${event.sourceUpdatedAt ?? event.problem}`;
    case 'shipment.updated':
      return `poll:shipment:${event.externalId}:${event.status}:${event.tracking?.number ?? ''}`;
    case 'stock.changed':
    case 'storefront.stock_changed':
      return `poll:${event.type}:${event.occurredAt}`;
    case 'connection.uninstalled':
      return `poll:uninstalled:${event.occurredAt}`;
    case 'customer.redact':
    case 'customer.data_request':
    case 'account.redact':
      return `poll:${event.type}:${event.requestId ?? JSON.stringify(event)}`;
  }
}

/**
 * Keys are made from what the platform sent, before the hub has checked it: one the database could
 * not index (too long, or with a NUL) would fail the whole poll, so it is kept as a digest instead.
 */
function storableKey(key: string): string {
  return isStorableText(key, 200) ? key : `poll:sha256:${createHash('sha256').update(key).digest('hex')}`;
}

function serialKeyOf(event: CanonicalEvent): string | null {
  const key = serialKeyMaterial(event);
  return key === null ? null : storableKey(key);
}

function serialKeyMaterial(event: CanonicalEvent): string | null {
  switch (event.type) {
    case 'order.upserted':
      return `order:${event.order.sourceOrderId}`;
    case 'order.cancelled':
    case 'order.invalid':
      return `order:${event.sourceOrderId}`;
    case 'shipment.updated':
      return `shipment:${event.reference}`;
    case 'stock.changed':
    case 'storefront.stock_changed':
      return 'stock';
    default:
      return null;
  }
}
