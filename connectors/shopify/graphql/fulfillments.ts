/** Writing shipments back: a fulfillment with tracking, and later tracking corrections. */
import {
  defineOperation,
  gid,
  list,
  nullable,
  object,
  str,
  type UserError,
  userErrors,
} from './operation.ts';

export interface TrackingInfo {
  company: string | null;
  number: string | null;
  url: string | null;
}

const trackingInfo = list(object({ company: nullable(str), number: nullable(str), url: nullable(str) }));

export const fulfillmentCreate = defineOperation<{
  fulfillmentCreate: {
    fulfillment: { id: string; status: string; trackingInfo: TrackingInfo[] } | null;
    userErrors: UserError[];
  } | null;
}>(
  `mutation HubFulfillmentCreate($fulfillment: FulfillmentInput!, $message: String) {
  fulfillmentCreate(fulfillment: $fulfillment, message: $message) {
    fulfillment { id status trackingInfo(first: 10) { company number url } }
    userErrors { field message }
  }
}`,
  object({
    fulfillmentCreate: nullable(
      object({
        fulfillment: nullable(object({ id: gid('Fulfillment'), status: str, trackingInfo })),
        userErrors,
      }),
    ),
  }),
);

export const fulfillmentTrackingInfoUpdate = defineOperation<{
  fulfillmentTrackingInfoUpdate: {
    fulfillment: { id: string; trackingInfo: TrackingInfo[] } | null;
    userErrors: UserError[];
  } | null;
}>(
  `mutation HubFulfillmentTrackingInfoUpdate(
  $fulfillmentId: ID!
  $trackingInfoInput: FulfillmentTrackingInput!
  $notifyCustomer: Boolean
) {
  fulfillmentTrackingInfoUpdate(
    fulfillmentId: $fulfillmentId
    trackingInfoInput: $trackingInfoInput
    notifyCustomer: $notifyCustomer
  ) {
    fulfillment { id trackingInfo(first: 10) { company number url } }
    userErrors { field message }
  }
}`,
  object({
    fulfillmentTrackingInfoUpdate: nullable(
      object({ fulfillment: nullable(object({ id: gid('Fulfillment'), trackingInfo })), userErrors }),
    ),
  }),
);
