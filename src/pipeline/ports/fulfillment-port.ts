import type {
  FulfillmentConnector,
  HealthReport,
  PollResult,
  ShipmentRequest,
  StockLevel,
  SubmittedShipment,
} from '../../sdk/contracts.ts';
import type { LoadedConnection } from '../connection-store.ts';
import {
  ConnectionRoleError,
  type FulfillmentConnection,
  isFulfillmentConnection,
} from './connection-role.ts';
import { type CallSubject, callThroughPort, type PortDeps } from './port-call.ts';

export type CancelOutcome = Awaited<ReturnType<FulfillmentConnector['cancelShipment']>>;

/**
 * A 3PL connection as the pipeline calls it: the fulfillment contract without the context
 * argument, each call queued, recorded and measured (see `callThroughPort`).
 */
export interface FulfillmentPort {
  readonly connection: FulfillmentConnection;
  /** Our shipment id (`request.reference`) is the call's idempotency key. */
  submitShipment(request: ShipmentRequest, subject: { orderId: string }): Promise<SubmittedShipment>;
  findShipment(reference: string, subject: { orderId: string }): Promise<SubmittedShipment | null>;
  cancelShipment(
    shipment: { reference: string; externalId: string; data: Record<string, unknown> },
    subject: { orderId: string },
  ): Promise<CancelOutcome>;
  fetchStock(): Promise<StockLevel[]>;
  pollSince(cursor: string | null): Promise<PollResult>;
  /** Absent when the connector has no health check. */
  checkHealth?(): Promise<HealthReport>;
}

/** The port for a 3PL connection; refuses, with a ConnectionRoleError, a connection of another role. */
export function fulfillmentPort(deps: PortDeps, loaded: LoadedConnection): FulfillmentPort {
  if (!isFulfillmentConnection(loaded)) throw new ConnectionRoleError(loaded, 'fulfillment');
  const { connector, context } = loaded;
  const call = <T>(operation: string, subject: CallSubject, work: () => Promise<T>) =>
    callThroughPort(deps, loaded, operation, subject, work);
  const checkHealth = connector.checkHealth?.bind(connector);
  const port: FulfillmentPort = {
    connection: loaded,
    submitShipment: (request, { orderId }) =>
      call(
        'submitShipment',
        { orderId, shipmentId: request.reference, idempotencyKey: request.reference },
        () => connector.submitShipment(context, request),
      ),
    findShipment: (reference, { orderId }) =>
      call('findShipment', { orderId, shipmentId: reference }, () =>
        connector.findShipment(context, reference),
      ),
    cancelShipment: (shipment, { orderId }) =>
      call('cancelShipment', { orderId, shipmentId: shipment.reference }, () =>
        connector.cancelShipment(context, shipment),
      ),
    fetchStock: () => call('fetchStock', {}, () => connector.fetchStock(context)),
    pollSince: (cursor) => call('pollSince', {}, () => connector.pollSince(context, cursor)),
  };
  if (checkHealth) port.checkHealth = () => call('checkHealth', {}, () => checkHealth(context));
  return port;
}
