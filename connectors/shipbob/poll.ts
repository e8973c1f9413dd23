/**
 * Reconciliation: what ShipBob knows whether or not a webhook told us (ShipBob's own advice is to
 * poll every 15–30 minutes even while webhooks work). Each poll:
 *
 * 1. marks as tracking-uploaded the shipments the previous poll reported. They are carried in the
 *    cursor, which the hub commits in the same transaction as the deliveries it recorded, so a
 *    shipment is only marked once the hub holds its tracking; a poll whose result was lost leaves
 *    the cursor (and so the shipments) as they were, to be reported again;
 * 2. reads our channel's orders with tracking not yet uploaded (`HasTracking=true&
 *    IsTrackingUploaded=false`, `Limit` 250, `Page` by page: the documented integration loop);
 * 3. reads our channel's orders changed since the cursor's time (`LastUpdateStartDate`), for what
 *    carries no tracking: cancellations, exceptions, holds, deliveries after the upload mark;
 * 4. reads the stock per fulfillment centre (one `stock.changed` with absolute levels).
 *
 * The cursor's time only moves forward: to the poll's start less an overlap for clock skew, never
 * back, and not at all when a page limit cut the read short. Orders of other channels (the
 * merchant's other integrations) are neither reported nor marked: their sync relies on the flag.
 */
import type { CanonicalEvent, PollResult } from '../../src/sdk/index.ts';
import { unexpectedResponse } from './api-errors.ts';
import type { ShipBobClient } from './client.ts';
import { lastChangedAt, shipmentEvent } from './map-shipment.ts';
import { idOf, orderListResponse, type ShipBobOrder, trackingUploadResponse } from './payloads.ts';
import { readStock } from './stock.ts';

const LIMIT = 250;
const MAX_PAGES = 20;
/** ShipBob's clock and ours may differ; a change is read twice rather than missed. */
export const OVERLAP_MS = 5 * 60_000;
/** Orders created this long before the connection are never ours. */
const CREATED_MARGIN_MS = 24 * 60 * 60_000;
const ACK_BATCH = 100;

export interface PollCursor {
  /** Orders changed since then are read. */
  updatedSince: string;
  /** Only orders created since then can be ours (bounds the tracking queue). */
  createdSince: string;
  /** Shipments reported by the previous poll, to be marked tracking-uploaded. */
  ack: string[];
}

export function readCursor(raw: string | null, startAt: Date): PollCursor {
  const fallback = new Date(startAt.getTime() - CREATED_MARGIN_MS).toISOString();
  if (raw) {
    try {
      const parsed = JSON.parse(raw) as Partial<PollCursor>;
      const time = (value: unknown) =>
        typeof value === 'string' && Number.isFinite(Date.parse(value)) ? value : null;
      const updatedSince = time(parsed.updatedSince);
      if (updatedSince) {
        return {
          updatedSince,
          createdSince: time(parsed.createdSince) ?? fallback,
          ack: Array.isArray(parsed.ack)
            ? parsed.ack.filter((id): id is string => typeof id === 'string' && /^\d{1,20}$/.test(id))
            : [],
        };
      }
    } catch {
      // A cursor from another connector or a hand edit: start over from the connection's start.
    }
  }
  return { updatedSince: startAt.toISOString(), createdSince: fallback, ack: [] };
}

/** Pure: never backwards. */
export function advance(previous: string, pollStartedAt: Date): string {
  const candidate = pollStartedAt.getTime() - OVERLAP_MS;
  return new Date(Math.max(Date.parse(previous), candidate)).toISOString();
}

async function pagedOrders(
  client: ShipBobClient,
  query: Record<string, string | number | boolean>,
  operation: string,
): Promise<{ orders: ShipBobOrder[]; complete: boolean }> {
  const orders: ShipBobOrder[] = [];
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const response = await client.request({
      method: 'GET',
      path: 'order',
      query: { ...query, Limit: LIMIT, Page: page },
    });
    if (response.status !== 200) throw unexpectedResponse(operation, response, 'poll_refused');
    const batch = orderListResponse.fromResponse(response.body, operation);
    orders.push(...batch);
    if (batch.length < LIMIT) return { orders, complete: true };
  }
  return { orders, complete: false };
}

export async function markTrackingUploaded(
  client: ShipBobClient,
  shipmentIds: string[],
): Promise<{ marked: number; failed: string[] }> {
  let marked = 0;
  const failed: string[] = [];
  for (let start = 0; start < shipmentIds.length; start += ACK_BATCH) {
    const batch = shipmentIds.slice(start, start + ACK_BATCH);
    const response = await client.request({
      method: 'POST',
      path: 'shipment:batchUpdateTrackingUpload',
      body: { is_tracking_uploaded: true, shipment_ids: batch.map(Number) },
    });
    if (response.status !== 200) {
      // A refused batch must not wedge reconciliation: its shipments come back in the tracking
      // queue, are reported again (deduplicated by the hub) and marked next time.
      failed.push(...batch);
      continue;
    }
    const answer = trackingUploadResponse.fromResponse(
      response.body,
      'POST /shipment:batchUpdateTrackingUpload',
    );
    const refused = (answer.results ?? []).filter((r) => r.isSuccess === false && r.shipmentId !== undefined);
    failed.push(...refused.map((r) => idOf(r.shipmentId as string | number)));
    marked += batch.length - refused.length;
  }
  return { marked, failed };
}

export interface PollOptions {
  channelId: number;
  now: Date;
  /** When the connection started (its first poll reads from here). */
  connectedAt: Date;
  pollInventory: boolean;
}

export interface PollOutcome extends PollResult {
  marked: number;
  unmarked: string[];
  complete: boolean;
}

export async function pollShipBob(
  client: ShipBobClient,
  raw: string | null,
  options: PollOptions,
): Promise<PollOutcome> {
  const cursor = readCursor(raw, options.connectedAt);
  const acked = await markTrackingUploaded(client, cursor.ack);

  const tracked = await pagedOrders(
    client,
    { HasTracking: true, IsTrackingUploaded: false, StartDate: cursor.createdSince },
    'GET /order?IsTrackingUploaded=false',
  );
  const changed = await pagedOrders(
    client,
    { LastUpdateStartDate: cursor.updatedSince, StartDate: cursor.createdSince },
    'GET /order?LastUpdateStartDate',
  );
  const ours = (order: ShipBobOrder) =>
    order.channel?.id === undefined || idOf(order.channel.id) === String(options.channelId);
  const byId = new Map<string, ShipBobOrder>();
  for (const order of [...tracked.orders, ...changed.orders])
    if (ours(order)) byId.set(idOf(order.id), order);

  const events: CanonicalEvent[] = [];
  const ack: string[] = [];
  for (const order of byId.values()) {
    events.push(shipmentEvent(order, lastChangedAt(order) ?? options.now.toISOString()));
    for (const shipment of order.shipments ?? []) {
      if (shipment.is_tracking_uploaded === false && (shipment.tracking?.tracking_number ?? '').trim())
        ack.push(idOf(shipment.id));
    }
  }
  if (options.pollInventory) {
    const levels = await readStock(client);
    if (levels.length > 0)
      events.push({ type: 'stock.changed', levels, occurredAt: options.now.toISOString() });
  }
  const complete = tracked.complete && changed.complete;
  const next: PollCursor = {
    updatedSince: changed.complete ? advance(cursor.updatedSince, options.now) : cursor.updatedSince,
    createdSince: cursor.createdSince,
    ack: [...new Set(ack)],
  };
  return { events, nextCursor: JSON.stringify(next), marked: acked.marked, unmarked: acked.failed, complete };
}
