/**
 * Reads what shipping an order needs (its fulfillment orders with every line, and its
 * fulfillments) in pages that fit the shop's cost bucket.
 *
 * The usual pages cost about 530 points; a shop whose bucket holds less (development stores, some
 * plans) would answer THROTTLED to every attempt. So each page is sized to the bucket Shopify last
 * reported (`throttleStatus.maximumAvailable`); when Shopify says a page is larger than its bucket
 * (the first call after a restart, or a bucket that shrank), the page is sized again to what it
 * said, once. Pages after the first may wait longer for the bucket, since giving the job back
 * would throw away what was read and the next attempt would stall at the same page.
 */
import { NeedsHumanError, RetryableError } from '../../src/sdk/index.ts';
import type { ShopifyContext } from './connection.ts';
import type { ShopifyDeps } from './deps.ts';
import { fitPageSizes, type PageSizes } from './fit-page-sizes.ts';
import {
  fulfillmentOrderLines,
  type OrderForFulfillment,
  type OrderFulfillmentOrder,
  orderFulfillmentState,
  orderFulfillments,
} from './graphql/fulfillment-orders.ts';
import type { AdminOperation, PageInfo } from './graphql/operation.ts';
import { bucketCapacity } from './rate-limiter.ts';

type FulfillmentOrderPage = Awaited<ReturnType<typeof orderFulfillmentState.data.fromResponse>>;

/** How long a page after the first may wait for the bucket in process. */
export const CONTINUATION_WAIT_MS = 10_000;
/** Bounds every paged loop: an order with more fulfillment orders (or one with more lines) is not real. */
const MAX_PAGES = 100;

export async function readFulfillmentState(
  deps: ShopifyDeps,
  context: ShopifyContext,
  orderGid: string,
): Promise<OrderForFulfillment | null> {
  const fulfillmentOrders: OrderFulfillmentOrder[] = [];
  let after: string | null = null;
  let calls = 0;
  for (let page = 0; ; page++) {
    if (page >= MAX_PAGES) throw tooLarge(orderGid, 'fulfillment orders');
    const { order }: FulfillmentOrderPage = await fittedCall(
      deps,
      context,
      orderFulfillmentState,
      { id: orderGid, after },
      calls++,
    );
    if (!order) return null;
    for (const { lineItems, ...fulfillmentOrder } of order.fulfillmentOrders.nodes) {
      const lines = [...lineItems.nodes];
      let next = lineItems.pageInfo.hasNextPage ? lineItems.pageInfo.endCursor : null;
      for (let linePage = 0; next; linePage++) {
        if (linePage >= MAX_PAGES) throw tooLarge(orderGid, 'lines in one fulfillment order');
        const more = await fittedCall(
          deps,
          context,
          fulfillmentOrderLines,
          { id: fulfillmentOrder.id, after: next },
          calls++,
        );
        // Gone between two pages (the merchant merged or cancelled it): the next attempt reads afresh.
        if (!more.fulfillmentOrder) {
          throw new RetryableError('fulfillment_order_changed', `${fulfillmentOrder.id} changed while read`, {
            fulfillmentOrderId: fulfillmentOrder.id,
          });
        }
        lines.push(...more.fulfillmentOrder.lineItems.nodes);
        const { pageInfo } = more.fulfillmentOrder.lineItems;
        next = pageInfo.hasNextPage ? pageInfo.endCursor : null;
      }
      fulfillmentOrders.push({ ...fulfillmentOrder, lineItems: { nodes: lines } });
    }
    const { pageInfo }: { pageInfo: PageInfo } = order.fulfillmentOrders;
    if (!pageInfo.hasNextPage || !pageInfo.endCursor) break;
    after = pageInfo.endCursor;
  }
  const { order } = await fittedCall(deps, context, orderFulfillments, { id: orderGid }, calls++);
  if (!order) return null;
  return { id: order.id, fulfillmentOrders: { nodes: fulfillmentOrders }, fulfillments: order.fulfillments };
}

/**
 * One call with its page sizes fitted to the shop's bucket. `sequence` 0 is the operation's first
 * call, which gives the job back as soon as the bucket is busy; later ones wait longer.
 */
export async function fittedCall<T>(
  deps: ShopifyDeps,
  context: ShopifyContext,
  operation: AdminOperation<T>,
  variables: Record<string, unknown>,
  sequence: number,
): Promise<T> {
  const sizesForBucket = (): PageSizes =>
    fitPageSizes(
      operation.pageSizes,
      (sizes) => operation.costOf({ ...variables, ...sizes }),
      bucketCapacity(context.externalAccount),
    ).sizes;
  const options = sequence > 0 ? { maxWaitMs: CONTINUATION_WAIT_MS } : {};
  const sizes = sizesForBucket();
  try {
    return await deps.admin(context, operation, { ...variables, ...sizes }, options);
  } catch (error) {
    if (!(error instanceof RetryableError) || error.code !== 'cost_exceeds_bucket') throw error;
    // The limiter has just learnt the real bucket from Shopify's answer: fit to it, if that helps.
    const smaller = sizesForBucket();
    if (JSON.stringify(smaller) === JSON.stringify(sizes)) throw error;
    context.log.info(
      { operation: operation.name, sizes: smaller, bucket: bucketCapacity(context.externalAccount) },
      'the shop’s API bucket is small: reading in smaller pages',
    );
    return deps.admin(context, operation, { ...variables, ...smaller }, { maxWaitMs: CONTINUATION_WAIT_MS });
  }
}

function tooLarge(orderGid: string, what: string): NeedsHumanError {
  return new NeedsHumanError('order_too_large', `${orderGid} has more ${what} than the hub reads`, {
    orderGid,
  });
}
