/**
 * ShipBob's webhooks on the dated API versions carry Standard Webhooks headers (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature`). ShipBob's own pages do not name the scheme (third-party
 * material does; see README), so this is the one line to change if a sandbox capture says
 * otherwise. It fails closed: no stored secret, no header, an old timestamp or no match is refused.
 */
import { type InboundRequest, type VerifyResult, verifyStandardWebhook } from '../../src/sdk/index.ts';
import type { ShipBobContext } from './connection.ts';
import { currentCredentials } from './token-refresh.ts';

export function verifyShipBobWebhook(request: InboundRequest, context: ShipBobContext): VerifyResult {
  return verifyStandardWebhook(request, [currentCredentials(context).webhookSecret]);
}
