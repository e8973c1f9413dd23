import { explainSubmitHold } from '../../routing/explain-hold.ts';
import type { NeedsHumanError } from '../../sdk/errors.ts';
import type { Hub } from '../hub.ts';
import { lockOrder, moveOrderTo, moveShipmentTo } from '../order-status.ts';

/**
 * A shipment the 3PL (or the hub, before asking it) cannot take without a person: the shipment is
 * rejected and the order put on hold with what to do about it.
 */
export async function holdShipment(
  deps: Pick<Hub, 'db'>,
  orderId: string,
  shipmentId: string,
  error: NeedsHumanError,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await moveShipmentTo(trx, shipmentId, ['pending'], 'rejected', { status_reason: error.code });
    const order = await lockOrder(trx, orderId);
    const release = explainSubmitHold(error.code, error.message, orderId);
    await moveOrderTo(trx, order, 'on_hold', {
      code: error.code,
      detail: { ...error.context, message: release.message, actions: release.actions, shipmentId },
    });
  });
}
