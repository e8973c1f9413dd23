import type {
  HealthReport,
  OrderRef,
  PollResult,
  PublishStockResult,
  StorefrontConnector,
} from '../../sdk/contracts.ts';
import type { LoadedConnection } from '../connection-store.ts';
import { ConnectionRoleError, isStorefrontConnection, type StorefrontConnection } from './connection-role.ts';
import { type CallSubject, callThroughPort, type PortDeps } from './port-call.ts';

export type WriteTrackingInput = Parameters<StorefrontConnector['writeTracking']>[1];

/**
 * A storefront connection as the pipeline calls it: the storefront contract without the context
 * argument, each call queued, recorded and measured (see `callThroughPort`). The optional answers
 * are present exactly when the connector has them.
 */
export interface StorefrontPort {
  readonly connection: StorefrontConnection;
  /**
   * Our shipment id is the call's idempotency key (the connector is idempotent on it). A parcel's
   * write goes under the parcel's id; `shipmentId` then names its shipment in the call log.
   */
  writeTracking(
    input: WriteTrackingInput,
    subject: { orderId: string; shipmentId?: string },
  ): Promise<{ externalId: string }>;
  publishStock(
    levels: { sku: string; available: number }[],
    options: { idempotencyKey: string },
  ): Promise<PublishStockResult>;
  answerRouting?(
    input: { order: OrderRef; outcome: 'accepted' | 'rejected'; reason: string | null },
    subject: { orderId: string },
  ): Promise<void>;
  answerCancellation?(
    input: { order: OrderRef; outcome: 'cancelled' | 'refused'; reason: string | null },
    subject: { orderId: string },
  ): Promise<void>;
  pollSince(cursor: string | null): Promise<PollResult>;
  checkHealth?(): Promise<HealthReport>;
}

/** The port for a storefront connection; refuses, with a ConnectionRoleError, a connection of another role. */
export function storefrontPort(deps: PortDeps, loaded: LoadedConnection): StorefrontPort {
  if (!isStorefrontConnection(loaded)) throw new ConnectionRoleError(loaded, 'storefront');
  const { connector, context } = loaded;
  const call = <T>(operation: string, subject: CallSubject, work: () => Promise<T>) =>
    callThroughPort(deps, loaded, operation, subject, work);
  const answerRouting = connector.answerRouting?.bind(connector);
  const answerCancellation = connector.answerCancellation?.bind(connector);
  const checkHealth = connector.checkHealth?.bind(connector);
  const port: StorefrontPort = {
    connection: loaded,
    writeTracking: (input, { orderId, shipmentId }) =>
      call(
        'writeTracking',
        { orderId, shipmentId: shipmentId ?? input.shipment.id, idempotencyKey: input.shipment.id },
        () => connector.writeTracking(context, input),
      ),
    publishStock: (levels, options) =>
      call('publishStock', { idempotencyKey: options.idempotencyKey }, () =>
        connector.publishStock(context, levels, options),
      ),
    pollSince: (cursor) => call('pollSince', {}, () => connector.pollSince(context, cursor)),
  };
  if (answerRouting) {
    port.answerRouting = (input, { orderId }) =>
      call('answerRouting', { orderId }, () => answerRouting(context, input));
  }
  if (answerCancellation) {
    port.answerCancellation = (input, { orderId }) =>
      call('answerCancellation', { orderId }, () => answerCancellation(context, input));
  }
  if (checkHealth) port.checkHealth = () => call('checkHealth', {}, () => checkHealth(context));
  return port;
}
