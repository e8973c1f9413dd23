/**
 * A stored delivery as canonical events, in the apply job (possibly much later, possibly replayed):
 * everything comes from the stored topic, headers and bytes. Orders map straight from the payload;
 * fulfillment requests are only hints, answered by reading the current state from the Admin API.
 */
import {
  type CanonicalEvent,
  type CustomerRef,
  headerValue,
  type InboundRequest,
} from '../../src/sdk/index.ts';
import { modeOf, type ShopifyContext } from './connection.ts';
import type { ShopifyDeps } from './deps.ts';
import { type AssignmentStatus, sweepFulfillmentRequests } from './fulfillment-requests.ts';
import { webhookOrderEvents } from './map-order.ts';
import { NOTIFICATION_TOPIC } from './parse-webhook.ts';
import { readJsonBody } from './payload-validation.ts';
import { forgetBuckets } from './rate-limiter.ts';
import { stockEventsFromWebhook } from './stock-webhook.ts';
import { forgetCredentials } from './token-refresh.ts';
import {
  type ComplianceCustomer,
  customersDataRequest,
  customersRedact,
  fulfillmentOrderNotification,
  webhookInventoryLevel,
  webhookOrder,
} from './webhook-payloads.ts';

export async function shopifyEvents(
  deps: ShopifyDeps | null,
  delivery: { topic: string } & InboundRequest,
  context: ShopifyContext,
): Promise<CanonicalEvent[]> {
  const body = readJsonBody(delivery.rawBody);
  const mode = modeOf(context);
  switch (delivery.topic) {
    case 'orders/create':
    case 'orders/updated':
    case 'orders/cancelled':
      return webhookOrderEvents(delivery.topic, webhookOrder.fromWebhook(body), mode);
    case NOTIFICATION_TOPIC:
    case 'fulfillment_orders/fulfillment_request_submitted':
    case 'fulfillment_orders/cancellation_request_submitted': {
      if (mode !== 'fulfillment_service' || !deps) return [];
      return sweepFulfillmentRequests(deps, context, statusesToSweep(delivery.topic, body));
    }
    case 'inventory_levels/update': {
      if (!deps) return [];
      return stockEventsFromWebhook(deps, context, webhookInventoryLevel.fromWebhook(body));
    }
    case 'app/uninstalled': {
      // The token is already dead: no API call here. Safe to repeat (Shopify does repeat it).
      forgetCredentials(context.externalAccount);
      forgetBuckets(context.externalAccount);
      return [{ type: 'connection.uninstalled', occurredAt: triggeredAt(delivery) }];
    }
    case 'customers/data_request': {
      const request = customersDataRequest.fromWebhook(body);
      return [
        {
          type: 'customer.data_request',
          customer: customerRef(request.customer, request.orders_requested),
          requestId: request.data_request ? String(request.data_request.id) : null,
        },
      ];
    }
    case 'customers/redact': {
      const request = customersRedact.fromWebhook(body);
      return [
        {
          type: 'customer.redact',
          customer: customerRef(request.customer, request.orders_to_redact),
          requestId: headerValue(delivery.headers, 'x-shopify-webhook-id'),
        },
      ];
    }
    case 'shop/redact':
      return [{ type: 'account.redact', requestId: headerValue(delivery.headers, 'x-shopify-webhook-id') }];
    default:
      return [];
  }
}

function statusesToSweep(topic: string, body: unknown): AssignmentStatus[] {
  if (topic === 'fulfillment_orders/fulfillment_request_submitted') return ['FULFILLMENT_REQUESTED'];
  if (topic === 'fulfillment_orders/cancellation_request_submitted') return ['CANCELLATION_REQUESTED'];
  const { kind } = fulfillmentOrderNotification.fromWebhook(body);
  return [kind === 'CANCELLATION_REQUEST' ? 'CANCELLATION_REQUESTED' : 'FULFILLMENT_REQUESTED'];
}

/** Ids as exact strings: the same form the hub stores for source orders. */
function customerRef(customer: ComplianceCustomer, orderIds: (number | string)[] | undefined): CustomerRef {
  return {
    email: customer.email ?? null,
    sourceCustomerId: customer.id === undefined || customer.id === null ? null : String(customer.id),
    sourceOrderIds: (orderIds ?? []).map((id) => String(id)),
  };
}

function triggeredAt(delivery: InboundRequest): string {
  const header = headerValue(delivery.headers, 'x-shopify-triggered-at');
  const parsed = header ? Date.parse(header) : Number.NaN;
  return Number.isNaN(parsed) ? new Date().toISOString() : new Date(parsed).toISOString();
}
