import { applyShipmentEventIn } from '../apply/apply-shipment-event.ts';
import { releaseShipmentConflicts } from '../apply/shipment-conflicts.ts';
import type { Hub } from '../hub.ts';
import type { JobHandler } from '../jobs.ts';
import { reopenHeldOrder } from '../route/reopen-order.ts';
import { mayRoute } from '../route/route-mode.ts';
import { routeOrder } from '../route/route-order.ts';
import { cancelOrder } from '../submit/cancel-order.ts';
import { submitPendingShipments } from '../submit/submit-shipments.ts';
import { answerCancellation, answerRoutingOnce } from '../writeback/answer-storefront.ts';

/** What taking an order forward touches: the database, the connections, the claim's lifetime, and the queue (stock learnt while routing). */
export type AdvanceDeps = Pick<Hub, 'db' | 'boss' | 'config' | 'connections' | 'metrics' | 'log'>;

const MAX_REROUTES = 20;

const TERMINAL_FOR_CANCEL = new Set(['cancelled', 'partially_shipped', 'shipped', 'delivered']);

/**
 * Takes an order as far as it can go without anyone else's answer: cancel it when the storefront
 * cancelled it, route it when it is ready, submit its pending shipments, answer the storefront.
 * It spans the stages (route → submit → writeback), so it lives with the jobs that wire them.
 * Every step is idempotent and resumes where a crash left it: shipments are rows before they are
 * sent, and the 3PL knows each by our shipment id.
 */
export async function advanceOrder(deps: AdvanceDeps, orderId: string): Promise<void> {
  const order = await deps.db.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst();
  if (!order) return;

  if (order.cancelled) {
    if (!TERMINAL_FOR_CANCEL.has(order.status)) {
      const cancelled = await cancelOrder(deps, orderId);
      if (cancelled.requested) await answerCancellation(deps, orderId, cancelled.outcome, cancelled.reason);
    } else if (order.cancellation_requested) {
      // Already cancelled (a retry after the answer failed, or a repeated request) is a yes.
      if (order.status === 'cancelled') await answerCancellation(deps, orderId, 'cancelled', null);
      else await answerCancellation(deps, orderId, 'refused', `the order is ${order.status}`);
    }
    return;
  }
  // Routes the order when it is ready, or its held part when that can go now.
  if (mayRoute(order)) await routeOrder(deps, orderId);
  // A 3PL's refusal from one location sends the lines back to routing, without that location; each
  // round leaves one more location out, so this ends.
  for (
    let round = 0;
    (await submitPendingShipments(deps, orderId)).rerouted && round < MAX_REROUTES;
    round++
  ) {
    await routeOrder(deps, orderId);
  }
  await answerRoutingOnce(deps, orderId);
}

/** Routes an order again (after ops fixed its cause, or when stock it was held for appeared), or releases a held 3PL event. */
export function advanceOrderHandler(
  hub: Pick<Hub, 'db' | 'config' | 'connections' | 'boss' | 'log' | 'metrics'>,
): JobHandler<'advance-order'> {
  return {
    async run({ orderId }) {
      // A 3PL event held for a conflict of ids: the person's retry trusts our reference and applies it.
      await releaseShipmentConflicts(hub, orderId, (trx, source, event) =>
        applyShipmentEventIn(hub, trx, source, event),
      );
      await reopenHeldOrder(hub, orderId);
      await advanceOrder(hub, orderId);
    },
  };
}
