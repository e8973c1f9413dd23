/**
 * Every hold says what would release it: a sentence for a person and the API calls that do it.
 * Pure; the caller stores the result in the order's `status_detail` (or on the held lines).
 */
import type { UnidentifiedWhy } from './resolve-lines.ts';

export interface ReleaseAction {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  path: string;
  body?: Record<string, unknown>;
  description: string;
}

export interface Explanation {
  message: string;
  actions: ReleaseAction[];
}

export interface ExplainedLine {
  lineId: string;
  name: string;
  sku: string | null;
  sourceProductId: string | null;
  sourceVariantId: string | null;
  why: UnidentifiedWhy;
  /** The SKU looked for at the 3PL (the line's own, or what the SKU map made of it). */
  fulfillmentSku: string | null;
}

export interface HoldScope {
  merchantId: string;
  orderId: string;
  storefrontConnectionId: string;
  /** True when the line waits as a pending part while the rest of the order ships. */
  part?: boolean;
}

const skuMapPath = (scope: HoldScope) => `/api/merchants/${scope.merchantId}/sku-map`;
const storefrontMapPath = (scope: HoldScope, kind: 'products' | 'variants', id: string) =>
  `${skuMapPath(scope)}/connections/${scope.storefrontConnectionId}/${kind}/${encodeURIComponent(id)}`;
const MAP_BODY = { action: 'map', fulfillmentSku: '<the 3PL SKU>' };

function releaseWithout(scope: HoldScope): ReleaseAction {
  return {
    method: 'POST',
    path: `/api/orders/${scope.orderId}/release`,
    body: { excludeUnidentifiedLines: true },
    description: scope.part
      ? 'close the held part: these lines will not be shipped'
      : 'ship the order without the lines the 3PL cannot identify',
  };
}

/** What releases one unidentified line. */
export function explainLine(line: ExplainedLine, scope: HoldScope): Explanation {
  const label = `line "${line.name}"`;
  const actions: ReleaseAction[] = [];
  let message: string;
  if (line.why === 'missing_sku') {
    if (line.sourceVariantId) {
      actions.push({
        method: 'PUT',
        path: storefrontMapPath(scope, 'variants', line.sourceVariantId),
        body: MAP_BODY,
        description: 'map this variant to a 3PL SKU (or {"action":"do_not_ship"} if it never ships)',
      });
    }
    if (line.sourceProductId) {
      actions.push({
        method: 'PUT',
        path: storefrontMapPath(scope, 'products', line.sourceProductId),
        body: MAP_BODY,
        description: 'map every variant of this product to a 3PL SKU (or {"action":"do_not_ship"})',
      });
    }
    message =
      actions.length > 0
        ? `The ${label} has no SKU, so the 3PL cannot identify it: map it to a 3PL SKU or mark it "do not ship" via PUT ${actions[0]?.path}, or release without it via POST /api/orders/${scope.orderId}/release.`
        : scope.part
          ? `The ${label} has no SKU and no product id, so the 3PL cannot identify it and nothing can map it: release the order without it via POST /api/orders/${scope.orderId}/release and ship it by hand.`
          : `The ${label} has no SKU and no product id, so the 3PL cannot identify it: give it a SKU in the storefront (the order is routed again when it changes), or release without it via POST /api/orders/${scope.orderId}/release.`;
  } else {
    const sku = line.fulfillmentSku ?? line.sku ?? '';
    const mappedFrom = line.sku && line.sku !== sku ? ` (the SKU map's name for "${line.sku}")` : '';
    const ownSku = line.sku ?? sku;
    actions.push({
      method: 'PUT',
      path: `${skuMapPath(scope)}/skus/${encodeURIComponent(ownSku)}`,
      body: MAP_BODY,
      description: 'map this storefront SKU to one the 3PL stocks (or {"action":"do_not_ship"})',
    });
    message = `SKU "${sku}"${mappedFrom} of the ${label} is not stocked at the 3PL: map SKU "${ownSku}" via PUT ${actions[0]?.path}, stock it at the 3PL (the order is routed again when its stock appears), or release without it via POST /api/orders/${scope.orderId}/release.`;
  }
  actions.push(releaseWithout(scope));
  return { message, actions };
}

/** What releases an order (or its held part) waiting on unidentified lines. */
export function explainUnidentified(lines: readonly ExplainedLine[], scope: HoldScope): Explanation {
  const explained = lines.map((line) => explainLine(line, scope));
  const actions: ReleaseAction[] = [];
  const seen = new Set<string>();
  for (const action of explained.flatMap((e) => e.actions)) {
    const key = `${action.method} ${action.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    actions.push(action);
  }
  if (!scope.part) {
    actions.push({
      method: 'PUT',
      path: `/api/merchants/${scope.merchantId}/line-policy`,
      body: { unidentifiedLines: 'ship_rest' },
      description:
        'from now on, ship what the 3PL can identify and hold the rest as a pending part (held orders are routed again)',
    });
  }
  const lead = scope.part
    ? 'The rest of the order was sent; these lines wait as a held part. '
    : 'The order is held because the 3PL cannot identify every line. ';
  return { message: lead + explained.map((e) => e.message).join(' '), actions };
}

/**
 * What releases a hold the 3PL stage put on the order (no address, an inactive 3PL, the 3PL's
 * refusal): fix the cause, then route it again. A storefront edit of a held order routes it again
 * by itself.
 */
export function explainSubmitHold(code: string, problem: string, orderId: string): Explanation {
  const fix =
    code === 'missing_address'
      ? 'add a shipping address in the storefront (the order is routed again when it changes)'
      : code === 'fulfillment_connection_inactive'
        ? 'reconnect the 3PL (POST /api/connections) or make another one the default'
        : "fix what the 3PL refused (the SKU map, the 3PL's catalogue, the address)";
  return {
    message: `${problem.replace(/\.?$/, '.')} To release it, ${fix}, then route it again via POST /api/orders/${orderId}/retry.`,
    actions: [
      {
        method: 'POST',
        path: `/api/orders/${orderId}/retry`,
        description: 'route the order again once the cause is fixed',
      },
    ],
  };
}

/** What releases a hold that is not about lines. */
export function explainOrderHold(
  reason: 'no_fulfillment_connection' | 'nothing_to_ship',
  scope: Pick<HoldScope, 'orderId' | 'merchantId'>,
): Explanation {
  const retry: ReleaseAction = {
    method: 'POST',
    path: `/api/orders/${scope.orderId}/retry`,
    description: 'route the order again',
  };
  if (reason === 'no_fulfillment_connection') {
    return {
      message: `The merchant has no active default 3PL: connect one with POST /api/connections and "defaultFulfillment": true, then route the order again via POST /api/orders/${scope.orderId}/retry.`,
      actions: [
        {
          method: 'POST',
          path: '/api/connections',
          body: { merchantId: scope.merchantId, defaultFulfillment: true },
          description: 'connect a 3PL as the default',
        },
        retry,
      ],
    };
  }
  return {
    message: `Nothing in this order needs shipping (gift cards, digital goods, lines marked "do not ship" or released): nothing is sent to a 3PL. Complete or cancel it in the storefront; if a line should ship after all, change its SKU map entry (GET /api/merchants/${scope.merchantId}/sku-map) and route it again via POST /api/orders/${scope.orderId}/retry.`,
    actions: [
      {
        method: 'GET',
        path: `/api/merchants/${scope.merchantId}/sku-map`,
        description: 'review the SKU map',
      },
      retry,
    ],
  };
}
