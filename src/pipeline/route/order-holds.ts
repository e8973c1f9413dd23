import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, OrderHoldsTable } from '../../db/types.ts';
import type { PlannedHold } from '../../routing/routing-model.ts';
import type { Hub } from '../hub.ts';
import { enqueue } from '../jobs.ts';
import { recordOrderEvent } from '../timeline.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type OrderHold = Selectable<OrderHoldsTable>;

/** Whether a hold still stops the order at `now`: not released, and not run out. */
export function isActive(hold: Pick<OrderHold, 'released_at' | 'until'>, now: Date): boolean {
  return hold.released_at === null && (hold.until === null || hold.until.getTime() > now.getTime());
}

export async function holdsOf(db: Db, orderId: string): Promise<OrderHold[]> {
  return db
    .selectFrom('order_holds')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Rule holds this order has already been through (released, or run out): they do not hold it again. */
export function releasedRuleIds(holds: readonly OrderHold[], now: Date): string[] {
  return [
    ...new Set(
      holds.flatMap((hold) => (hold.rule_id !== null && !isActive(hold, now) ? [hold.rule_id] : [])),
    ),
  ];
}

/** The active hold a person put on the order, if any: routing leaves such an order alone. */
export function activeManualHold(holds: readonly OrderHold[], now: Date): OrderHold | undefined {
  return holds.find((hold) => hold.rule_id === null && isActive(hold, now));
}

/**
 * Stores the holds a routing plan made, in the routing transaction. A rule that already holds the
 * order keeps its row (and so its deadline: routing again must not push a timed hold further out);
 * a new timed hold gets a job that releases it when it runs out.
 */
export async function recordRuleHolds(
  trx: Transaction<Database>,
  boss: Hub['boss'],
  order: { id: string; merchant_id: string },
  planned: readonly PlannedHold[],
  existing: readonly OrderHold[],
  now: Date,
): Promise<OrderHold[]> {
  const kept: OrderHold[] = [];
  for (const hold of planned) {
    const current = existing.find((row) => row.rule_id === hold.ruleId && isActive(row, now));
    const lineIds = [...new Set(hold.lines.map((line) => line.lineId))];
    if (current) {
      await trx
        .updateTable('order_holds')
        .set({ line_ids: JSON.stringify(lineIds), scope: hold.scope })
        .where('id', '=', current.id)
        .execute();
      kept.push({ ...current, line_ids: lineIds, scope: hold.scope });
      continue;
    }
    const row = await trx
      .insertInto('order_holds')
      .values({
        merchant_id: order.merchant_id,
        order_id: order.id,
        rule_id: hold.ruleId,
        reason: hold.reason,
        note: hold.note,
        scope: hold.scope,
        line_ids: JSON.stringify(lineIds),
        until: hold.until ? new Date(hold.until) : null,
        created_by: 'routing',
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordOrderEvent(trx, {
      merchantId: order.merchant_id,
      orderId: order.id,
      type: 'order.hold_placed',
      detail: holdSummary(row),
    });
    if (row.until) await scheduleRelease(trx, boss, row);
    kept.push(row);
  }
  return kept;
}

async function scheduleRelease(trx: Transaction<Database>, boss: Hub['boss'], hold: OrderHold) {
  if (!hold.until) return;
  const seconds = Math.max(1, Math.ceil((hold.until.getTime() - Date.now()) / 1000));
  await enqueue(
    boss,
    'release-hold',
    { orderId: hold.order_id, holdId: hold.id },
    { serialKey: `hold:${hold.id}`, startAfterSeconds: seconds, trx },
  );
}

export function holdSummary(hold: OrderHold) {
  return {
    holdId: hold.id,
    ruleId: hold.rule_id,
    reason: hold.reason,
    note: hold.note,
    scope: hold.scope,
    lineIds: hold.line_ids,
    until: hold.until?.toISOString() ?? null,
    createdBy: hold.created_by,
    createdAt: hold.created_at.toISOString(),
    releasedAt: hold.released_at?.toISOString() ?? null,
    releasedBy: hold.released_by,
    releaseNote: hold.release_note,
  };
}

export type PlaceHoldResult =
  | { outcome: 'not_found' }
  | { outcome: 'refused'; message: string }
  | { outcome: 'held'; hold: OrderHold };

/**
 * A person holds an order before it is sent. Refused once anything of it is at a 3PL (cancel
 * there instead) or when it is cancelled. Storefront edits and cancellations keep being applied
 * while it is held, so what is sent on release is the order as it is then.
 */
export async function placeManualHold(
  hub: Pick<Hub, 'db'>,
  orderId: string,
  input: { reason: string; note: string | null; until: Date | null; by: string },
): Promise<PlaceHoldResult> {
  return hub.db.transaction().execute(async (trx): Promise<PlaceHoldResult> => {
    const order = await trx
      .selectFrom('orders')
      .select(['id', 'merchant_id', 'status', 'status_reason', 'status_detail', 'cancelled'])
      .where('id', '=', orderId)
      .forUpdate()
      .executeTakeFirst();
    if (!order) return { outcome: 'not_found' };
    if (order.cancelled || order.status === 'cancelled')
      return { outcome: 'refused', message: 'the order is cancelled' };
    const live = await trx
      .selectFrom('shipments')
      .select('status')
      .where('order_id', '=', orderId)
      .where('status', 'not in', ['rejected', 'cancelled'])
      .executeTakeFirst();
    if (live) {
      return {
        outcome: 'refused',
        message: `the order is already routed to a 3PL (a shipment is ${live.status}): cancel it there instead`,
      };
    }
    const hold = await trx
      .insertInto('order_holds')
      .values({
        merchant_id: order.merchant_id,
        order_id: orderId,
        rule_id: null,
        reason: input.reason,
        note: input.note,
        scope: 'order',
        until: input.until,
        created_by: input.by,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordOrderEvent(trx, {
      merchantId: order.merchant_id,
      orderId,
      type: 'order.hold_placed',
      detail: holdSummary(hold),
    });
    await holdOrder(trx, order, hold);
    return { outcome: 'held', hold };
  });
}

/** Puts the order on hold for this hold, unless it is on hold for something else already. */
export async function holdOrder(
  trx: Transaction<Database>,
  order: { id: string; merchant_id: string; status: string },
  hold: OrderHold,
): Promise<void> {
  if (order.status === 'on_hold') return;
  const detail = {
    holdId: hold.id,
    holdReason: hold.reason,
    ruleId: hold.rule_id,
    until: hold.until?.toISOString() ?? null,
    message: holdMessage(hold),
    actions: [
      {
        method: 'POST',
        path: `/api/orders/${hold.order_id}/release`,
        body: { holdId: hold.id },
        description: 'release the hold and route the order',
      },
    ],
  };
  await trx
    .updateTable('orders')
    .set({
      status: 'on_hold',
      status_reason: 'held',
      status_detail: JSON.stringify(detail),
      updated_at: new Date(),
    })
    .where('id', '=', order.id)
    .execute();
  await recordOrderEvent(trx, {
    merchantId: order.merchant_id,
    orderId: order.id,
    type: 'order.on_hold',
    detail: { from: order.status, reason: 'held', ...detail },
  });
  order.status = 'on_hold';
}

function holdMessage(hold: OrderHold): string {
  const by = hold.rule_id ? `routing rule "${hold.rule_id}"` : 'a person';
  const until = hold.until ? ` until ${hold.until.toISOString()}` : ' until someone releases it';
  const note = hold.note ? ` (${hold.note})` : '';
  return `Held by ${by} for ${hold.reason.replaceAll('_', ' ')}${note}${until}; nothing is sent to the 3PL meanwhile. Release it with POST /api/orders/${hold.order_id}/release.`;
}

export type ReleaseHoldResult =
  | { outcome: 'not_found' }
  | { outcome: 'refused'; message: string }
  | { outcome: 'released'; holds: OrderHold[] };

/**
 * Releases the order's active holds (or the one named) and queues it to be routed: a released
 * rule hold does not hold the order again; another rule or hold still may.
 */
export async function releaseHolds(
  hub: Pick<Hub, 'db' | 'boss'>,
  orderId: string,
  input: { holdId?: string; by: string; note: string | null },
): Promise<ReleaseHoldResult> {
  return hub.db.transaction().execute(async (trx): Promise<ReleaseHoldResult> => {
    const order = await trx
      .selectFrom('orders')
      .select(['id', 'merchant_id'])
      .where('id', '=', orderId)
      .forUpdate()
      .executeTakeFirst();
    if (!order) return { outcome: 'not_found' };
    const now = new Date();
    const active = (await holdsOf(trx, orderId)).filter(
      (hold) => isActive(hold, now) && (input.holdId === undefined || hold.id === input.holdId),
    );
    if (active.length === 0) {
      return {
        outcome: 'refused',
        message: input.holdId
          ? `hold ${input.holdId} is not an active hold of this order`
          : 'the order has no active hold',
      };
    }
    const released = await trx
      .updateTable('order_holds')
      .set({ released_at: now, released_by: input.by, release_note: input.note })
      .where(
        'id',
        'in',
        active.map((hold) => hold.id),
      )
      .returningAll()
      .execute();
    for (const hold of released) {
      await recordOrderEvent(trx, {
        merchantId: order.merchant_id,
        orderId,
        type: 'order.hold_released',
        detail: holdSummary(hold),
      });
    }
    await enqueue(hub.boss, 'advance-order', { orderId }, { serialKey: orderId, trx });
    return { outcome: 'released', holds: released };
  });
}

/** A timed hold ran out: it is stamped released by the timer and the order routed. */
export async function releaseDueHold(hub: Pick<Hub, 'db' | 'boss'>, holdId: string): Promise<void> {
  await hub.db.transaction().execute(async (trx) => {
    const hold = await trx
      .selectFrom('order_holds')
      .selectAll()
      .where('id', '=', holdId)
      .forUpdate()
      .executeTakeFirst();
    if (!hold || hold.released_at !== null || hold.until === null) return;
    const now = new Date();
    // Early (a clock skew between processes): ask again when it is due.
    if (hold.until.getTime() > now.getTime() + 1000) {
      await scheduleRelease(trx, hub.boss, hold);
      return;
    }
    const [released] = await trx
      .updateTable('order_holds')
      .set({ released_at: now, released_by: 'timer' })
      .where('id', '=', holdId)
      .returningAll()
      .execute();
    if (!released) return;
    await recordOrderEvent(trx, {
      merchantId: hold.merchant_id,
      orderId: hold.order_id,
      type: 'order.hold_released',
      detail: holdSummary(released),
    });
    await enqueue(hub.boss, 'advance-order', { orderId: hold.order_id }, { serialKey: hold.order_id, trx });
  });
}
