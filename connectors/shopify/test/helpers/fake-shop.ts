// biome-ignore-all lint/suspicious/noExplicitAny: Shopify payloads and test state are handled loosely here, as the tests do.
/**
 * A Shopify shop behind nock, at the network edge, for unit and end-to-end tests alike.
 *
 * Every Admin GraphQL request is validated against the pinned 2026-07 schema (deprecated fields
 * included) and *executed* against it: the shop's state is the root value, and graphql-js shapes
 * the answer exactly as the selection asks. So a mock with a wrong enum, a missing non-null field
 * or a mistyped scalar is a `problem`, and the answers the connector gets have the schema's shape.
 * Tests assert `shop.problems` is empty.
 *
 * It keeps what matters to the connector: orders with fulfillment orders and fulfillments, the
 * fulfillment requests assigned to a location, fulfillment services, webhook subscriptions,
 * inventory with compare-and-set and idempotency keys, the cost bucket (THROTTLED on HTTP 200;
 * its size configurable, as plans and development stores differ), 429s, and the OAuth token
 * endpoint (code exchange and refresh). Connections and paged lists honour `first`/`after`.
 */
import { randomUUID } from 'node:crypto';
import {
  type DocumentNode,
  defaultFieldResolver,
  execute,
  type GraphQLFieldResolver,
  getDirectiveValues,
  NoDeprecatedCustomRule,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import nock from 'nock';
import { estimateQueryCost } from '../../graphql/query-cost.ts';
import { adminSchema } from './admin-schema.ts';

export interface FakeMoney {
  presentmentMoney: { amount: string; currencyCode: string };
  shopMoney: { amount: string; currencyCode: string };
}

export interface FakeLineItem {
  id: string;
  name: string;
  sku: string | null;
  quantity: number;
  currentQuantity: number;
  requiresShipping: boolean;
  isGiftCard: boolean;
  originalUnitPriceSet: FakeMoney;
  product: { id: string } | null;
  variant: { id: string } | null;
}

export interface FakeFulfillmentOrderLine {
  id: string;
  remainingQuantity: number;
  totalQuantity: number;
  lineItem: FakeLineItem;
}

export interface FakeFulfillmentOrder {
  id: string;
  status: string;
  requestStatus: string;
  updatedAt: string;
  assignedLocation: { location: { id: string } | null };
  merchantRequests: { nodes: { kind: string; message: string | null; sentAt: string }[] };
  lineItems: {
    nodes: FakeFulfillmentOrderLine[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
  order: FakeOrder;
  /** What the hub answered, with the message and reason. */
  answers: { kind: string; message: string | null; reason?: string | null }[];
}

export interface FakeFulfillment {
  id: string;
  status: string;
  location: { id: string } | null;
  trackingInfo: { company: string | null; number: string | null; url: string | null }[];
  notifyCustomer: boolean;
  lines: { fulfillmentOrderId: string; id: string; quantity: number }[];
}

export interface FakeOrder {
  id: string;
  legacyResourceId: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  test: boolean;
  email: string | null;
  note: string | null;
  tags: string[];
  displayFinancialStatus: string | null;
  displayFulfillmentStatus: string;
  presentmentCurrencyCode: string;
  currentTotalPriceSet: FakeMoney;
  shippingAddress: Record<string, string | null> | null;
  shippingLine: { title: string; code: string | null } | null;
  lineItems: { nodes: FakeLineItem[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  fulfillmentOrders: {
    nodes: FakeFulfillmentOrder[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
  fulfillments: FakeFulfillment[];
}

export interface FakeInventoryItem {
  id: string;
  sku: string;
  tracked: boolean;
  /** Location GID → available. */
  available: Map<string, number>;
}

export interface GraphqlCall {
  operationName: string | null;
  rootFields: string[];
  variables: Record<string, any>;
  accessToken: string | undefined;
  outcome: 'ok' | 'throttled' | 'rate_limited' | 'unauthorized' | 'invalid' | 'lost';
  /** What the document asked of the bucket (Shopify's `requestedQueryCost`), once validated. */
  requestedCost?: number;
  idempotencyKey?: string;
}

/** The shop's cost bucket: Standard plans restore 100 points a second; development stores can hold far less. */
export interface FakeBucket {
  maximumAvailable: number;
  restoreRate: number;
}

const NO_PAGE = { hasNextPage: false, endCursor: null };
/** An id of a payload parsed exactly: a number, or (beyond 2^53) a raw JSON value of its digits. */
const exactId = (id: unknown): string => (typeof id === 'object' ? JSON.stringify(id) : String(id));
const money = (amount: string, currency: string): FakeMoney => ({
  presentmentMoney: { amount, currencyCode: currency },
  shopMoney: { amount, currencyCode: currency },
});

export class FakeShop {
  readonly domain: string;
  readonly apiVersion = '2026-07';
  /** Access tokens the shop accepts now, and refresh tokens it would exchange. */
  readonly tokens = new Set<string>();
  readonly refreshTokens = new Set<string>();
  tokenLifetimeSeconds = 3600;
  /** Every GraphQL request, in order. */
  readonly calls: GraphqlCall[] = [];
  /** Every POST to /admin/oauth/access_token (bodies, secrets included: test values only). */
  readonly tokenRequests: Record<string, unknown>[] = [];
  /** Invalid documents, deprecated fields, mocks the schema cannot shape: must stay empty. */
  readonly problems: string[] = [];
  readonly bucket = { maximumAvailable: 2000, currentlyAvailable: 2000, restoreRate: 100, at: Date.now() };
  /** The next n requests answer THROTTLED (200) / 429 regardless of the bucket. */
  throttleNext = 0;
  rateLimitNext = 0;
  /** The Retry-After those 429s carry. */
  rateLimitRetryAfterSeconds = 2;
  /** Operation names whose next call Shopify refuses as a bad request (400), applying nothing. */
  readonly badRequestOf = new Set<string>();
  /** Operation names whose next call is applied but answered 502 (the answer is lost). */
  readonly loseAnswerOf = new Set<string>();
  readonly orders = new Map<string, FakeOrder>();
  readonly fulfillmentServices: {
    id: string;
    serviceName: string;
    callbackUrl: string | null;
    location: { id: string } | null;
  }[] = [];
  readonly webhookSubscriptions: { id: string; topic: string; uri: string }[] = [];
  readonly inventory: FakeInventoryItem[] = [];
  /** How many inventory writes were applied (a replay under a known key is not). */
  appliedInventoryWrites = 0;
  /** Idempotency key → the variables and the answer of its first use. */
  readonly idempotency = new Map<string, { variables: string; answer: unknown }>();
  private sequence = 1000;

  constructor(domain: string, options: { bucket?: FakeBucket } = {}) {
    this.domain = domain;
    if (options.bucket) this.setBucket(options.bucket);
  }

  /** Gives the shop another bucket (a plan change, or Shopify lowering it for a while), full. */
  setBucket(bucket: FakeBucket): void {
    Object.assign(this.bucket, bucket, { currentlyAvailable: bucket.maximumAvailable, at: Date.now() });
  }

  /** Intercepts the shop's Admin API and token endpoint until nock is cleaned. */
  start(): this {
    nock(`https://${this.domain}`)
      .persist()
      .post(`/admin/api/${this.apiVersion}/graphql.json`)
      // nock 15 hands a reply function the fetch Request (one argument).
      .reply((async (request: Request) =>
        this.graphql(
          (await request.json()) as { query: string; variables?: Record<string, unknown> },
          request.headers.get('x-shopify-access-token') ?? undefined,
        )) as never)
      .post('/admin/oauth/access_token')
      .reply((async (request: Request) =>
        this.tokenEndpoint((await request.json()) as Record<string, unknown>)) as never);
    return this;
  }

  nextId(type: string): string {
    this.sequence += 1;
    return `gid://shopify/${type}/${this.sequence}`;
  }

  /** Issues a token pair the shop will accept, as the token endpoint would. */
  issueTokens(): {
    access_token: string;
    scope: string;
    expires_in: number;
    refresh_token: string;
    refresh_token_expires_in: number;
  } {
    const access = `shpat_${randomUUID().replace(/-/g, '')}`;
    const refresh = `shprt_${randomUUID().replace(/-/g, '')}`;
    this.tokens.add(access);
    this.refreshTokens.add(refresh);
    return {
      access_token: access,
      scope:
        'read_orders,write_fulfillments,write_assigned_fulfillment_orders,write_inventory,read_locations,write_merchant_managed_fulfillment_orders',
      expires_in: this.tokenLifetimeSeconds,
      refresh_token: refresh,
      refresh_token_expires_in: 7_776_000,
    };
  }

  private tokenEndpoint(body: Record<string, unknown>): [number, unknown] {
    this.tokenRequests.push(body);
    if (body.grant_type === 'refresh_token') {
      if (!this.refreshTokens.has(String(body.refresh_token))) return [400, { error: 'invalid_grant' }];
      this.refreshTokens.delete(String(body.refresh_token));
      return [200, this.issueTokens()];
    }
    if (typeof body.code !== 'string' || body.code.length === 0) return [400, { error: 'invalid_request' }];
    return [200, this.issueTokens()];
  }

  // ---------------------------------------------------------------------------------------------
  // Building the shop's state

  /** A location, optionally with a fulfillment service of ours (callback URL) owning it. */
  addLocation(): string {
    return this.nextId('Location');
  }

  /**
   * An order as Shopify would hold it after a REST-shaped `orders/create` payload, with one
   * fulfillment order for its shippable lines at `locationId`.
   */
  addOrderFromWebhook(
    payload: any,
    options: { locationId: string; requestStatus?: string; status?: string; requestedAt?: string },
  ): FakeOrder {
    const currency = payload.presentment_currency ?? payload.currency;
    const lines: FakeLineItem[] = payload.line_items.map((line: any) => ({
      id: line.admin_graphql_api_id,
      name: line.name ?? line.title,
      sku: line.sku || null,
      quantity: line.quantity,
      currentQuantity: line.current_quantity ?? line.quantity,
      requiresShipping: line.requires_shipping ?? true,
      isGiftCard: line.gift_card ?? false,
      originalUnitPriceSet: money(line.price_set?.presentment_money.amount ?? line.price, currency),
      product: line.product_id ? { id: `gid://shopify/Product/${exactId(line.product_id)}` } : null,
      variant: line.variant_id ? { id: `gid://shopify/ProductVariant/${exactId(line.variant_id)}` } : null,
    }));
    const address = payload.shipping_address;
    const order: FakeOrder = {
      id: payload.admin_graphql_api_id,
      legacyResourceId: payload.admin_graphql_api_id.split('/').pop(),
      name: payload.name,
      createdAt: new Date(payload.created_at).toISOString(),
      updatedAt: new Date(payload.updated_at).toISOString(),
      cancelledAt: payload.cancelled_at ? new Date(payload.cancelled_at).toISOString() : null,
      test: payload.test ?? false,
      email: payload.email ?? null,
      note: payload.note ?? null,
      tags: String(payload.tags ?? '')
        .split(',')
        .map((tag) => tag.trim())
        .filter(Boolean),
      displayFinancialStatus: payload.financial_status
        ? String(payload.financial_status).toUpperCase()
        : null,
      displayFulfillmentStatus: 'UNFULFILLED',
      presentmentCurrencyCode: currency,
      currentTotalPriceSet: money(
        payload.current_total_price_set?.presentment_money.amount ?? payload.total_price,
        currency,
      ),
      shippingAddress: address
        ? {
            name: address.name ?? null,
            firstName: address.first_name ?? null,
            lastName: address.last_name ?? null,
            company: address.company ?? null,
            address1: address.address1 ?? null,
            address2: address.address2 ?? null,
            city: address.city ?? null,
            province: address.province ?? null,
            provinceCode: address.province_code ?? null,
            zip: address.zip ?? null,
            countryCodeV2: address.country_code ?? null,
            phone: address.phone ?? null,
          }
        : null,
      shippingLine: payload.shipping_lines?.[0]
        ? { title: payload.shipping_lines[0].title, code: payload.shipping_lines[0].code ?? null }
        : null,
      lineItems: { nodes: lines, pageInfo: NO_PAGE },
      fulfillmentOrders: { nodes: [], pageInfo: NO_PAGE },
      fulfillments: [],
    };
    const shippable = lines.filter(
      (line) => line.requiresShipping && !line.isGiftCard && line.currentQuantity > 0,
    );
    const requestStatus = options.requestStatus ?? 'UNSUBMITTED';
    const fulfillmentOrder: FakeFulfillmentOrder = {
      id: this.nextId('FulfillmentOrder'),
      status: options.status ?? 'OPEN',
      requestStatus,
      updatedAt: options.requestedAt ?? order.updatedAt,
      assignedLocation: { location: { id: options.locationId } },
      merchantRequests: {
        nodes:
          requestStatus === 'SUBMITTED'
            ? [
                {
                  kind: 'FULFILLMENT_REQUEST',
                  message: 'Fragile',
                  sentAt: options.requestedAt ?? order.updatedAt,
                },
              ]
            : [],
      },
      lineItems: {
        nodes: shippable.map((line) => ({
          id: this.nextId('FulfillmentOrderLineItem'),
          remainingQuantity: line.currentQuantity,
          totalQuantity: line.currentQuantity,
          lineItem: line,
        })),
        pageInfo: NO_PAGE,
      },
      order,
      answers: [],
    };
    order.fulfillmentOrders.nodes.push(fulfillmentOrder);
    this.orders.set(order.id, order);
    return order;
  }

  /**
   * Splits an order's one fulfillment order into several at the same location (as Shopify does
   * for an order edited after it was placed, or held in parts), `sizes` lines each.
   */
  splitFulfillmentOrder(orderId: string, sizes: number[]): FakeFulfillmentOrder[] {
    const order = this.orders.get(orderId);
    const [original] = order?.fulfillmentOrders.nodes ?? [];
    if (!order || !original) throw new Error(`no fulfillment order to split on ${orderId}`);
    const lines = [...original.lineItems.nodes];
    if (sizes.reduce((sum, size) => sum + size, 0) !== lines.length)
      throw new Error('sizes must cover every line');
    order.fulfillmentOrders.nodes = sizes.map((size, index) => ({
      ...original,
      id: index === 0 ? original.id : this.nextId('FulfillmentOrder'),
      merchantRequests: { nodes: [...original.merchantRequests.nodes] },
      lineItems: { nodes: lines.splice(0, size), pageInfo: NO_PAGE },
      answers: [],
    }));
    return order.fulfillmentOrders.nodes;
  }

  fulfillmentOrdersOf(orderId: string): FakeFulfillmentOrder[] {
    return this.orders.get(orderId)?.fulfillmentOrders.nodes ?? [];
  }

  /** The merchant asks the fulfillment service to cancel (fulfillmentOrderSubmitCancellationRequest). */
  requestCancellation(orderId: string, at = new Date().toISOString()): void {
    for (const fulfillmentOrder of this.fulfillmentOrdersOf(orderId)) {
      if (fulfillmentOrder.requestStatus !== 'ACCEPTED') continue;
      fulfillmentOrder.requestStatus = 'CANCELLATION_REQUESTED';
      fulfillmentOrder.updatedAt = at;
      fulfillmentOrder.merchantRequests.nodes.push({
        kind: 'CANCELLATION_REQUEST',
        message: 'Customer changed their mind',
        sentAt: at,
      });
    }
  }

  addInventoryItem(sku: string, levels: Record<string, number>, tracked = true): FakeInventoryItem {
    const item = {
      id: this.nextId('InventoryItem'),
      sku,
      tracked,
      available: new Map(Object.entries(levels)),
    };
    this.inventory.push(item);
    return item;
  }

  callsOf(rootField: string): GraphqlCall[] {
    return this.calls.filter((call) => call.rootFields.includes(rootField) && call.outcome !== 'throttled');
  }

  // ---------------------------------------------------------------------------------------------
  // The Admin GraphQL endpoint

  private async graphql(
    body: { query: string; variables?: Record<string, unknown> },
    accessToken: string | undefined,
  ): Promise<[number, unknown, Record<string, string>?]> {
    const variables = (body.variables ?? {}) as Record<string, any>;
    let document: DocumentNode;
    try {
      document = parse(body.query);
    } catch (error) {
      this.problems.push(`unparsable document: ${(error as Error).message}`);
      return [200, { errors: [{ message: (error as Error).message }] }];
    }
    const operation = document.definitions.find(
      (definition) => definition.kind === 'OperationDefinition',
    ) as any;
    const call: GraphqlCall = {
      operationName: operation?.name?.value ?? null,
      rootFields: operation?.selectionSet.selections.map((selection: any) => selection.name.value) ?? [],
      variables,
      accessToken,
      outcome: 'ok',
    };
    this.calls.push(call);
    if (!accessToken || !this.tokens.has(accessToken)) {
      call.outcome = 'unauthorized';
      return [
        401,
        { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' },
      ];
    }
    if (this.rateLimitNext > 0) {
      this.rateLimitNext -= 1;
      call.outcome = 'rate_limited';
      return [429, { errors: 'Throttled' }, { 'retry-after': String(this.rateLimitRetryAfterSeconds) }];
    }
    if (this.badRequestOf.delete(call.operationName ?? '')) {
      call.outcome = 'invalid';
      return [400, { errors: { query: 'Required parameter missing or invalid' } }];
    }
    const problems = validate(adminSchema(), document, [...specifiedRules, NoDeprecatedCustomRule]);
    if (problems.length > 0) {
      call.outcome = 'invalid';
      this.problems.push(...problems.map((problem) => `${call.operationName}: ${problem.message}`));
      return [200, { errors: problems.map((problem) => ({ message: problem.message })) }];
    }

    const requested = estimateQueryCost(document, variables);
    call.requestedCost = requested;
    const now = Date.now();
    const bucket = this.bucket;
    bucket.currentlyAvailable = Math.min(
      bucket.maximumAvailable,
      bucket.currentlyAvailable + ((now - bucket.at) / 1000) * bucket.restoreRate,
    );
    bucket.at = now;
    if (this.throttleNext > 0 || requested > bucket.currentlyAvailable) {
      this.throttleNext = Math.max(0, this.throttleNext - 1);
      call.outcome = 'throttled';
      return [
        200,
        {
          errors: [
            {
              message: 'Throttled',
              extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' },
            },
          ],
          extensions: {
            cost: {
              requestedQueryCost: requested,
              actualQueryCost: null,
              throttleStatus: this.throttleStatus(),
            },
          },
        },
      ];
    }
    const result = await execute({
      schema: adminSchema(),
      document,
      variableValues: variables,
      rootValue: {},
      contextValue: { call, variables },
      fieldResolver: this.resolver,
    });
    if (result.errors?.length) {
      this.problems.push(
        ...result.errors.map(
          (error) => `${call.operationName}: ${error.message} at ${error.path?.join('.')}`,
        ),
      );
    }
    // Shopify checks the requested cost against the bucket, then charges what the answer held.
    const actual = Math.min(requested, answerCost(result.data));
    bucket.currentlyAvailable -= actual;
    const name = call.operationName ?? '';
    if (this.loseAnswerOf.has(name)) {
      this.loseAnswerOf.delete(name);
      call.outcome = 'lost';
      return [502, '<html>Bad Gateway</html>', { 'content-type': 'text/html' }];
    }
    return [
      200,
      {
        data: result.data,
        ...(result.errors ? { errors: result.errors.map((error) => ({ message: error.message })) } : {}),
        extensions: {
          cost: {
            requestedQueryCost: requested,
            actualQueryCost: actual,
            throttleStatus: this.throttleStatus(),
          },
        },
      },
    ];
  }

  private throttleStatus() {
    return {
      maximumAvailable: this.bucket.maximumAvailable,
      currentlyAvailable: Math.floor(this.bucket.currentlyAvailable),
      restoreRate: this.bucket.restoreRate,
    };
  }

  /** Root fields come from the handlers below; everything under them from the state objects. */
  private readonly resolver: GraphQLFieldResolver<
    unknown,
    { call: GraphqlCall; variables: Record<string, any> }
  > = (source, args, context, info) => {
    const schema = adminSchema();
    if (info.parentType !== schema.getQueryType() && info.parentType !== schema.getMutationType()) {
      const value = defaultFieldResolver(source, args, context, info);
      // Every connection and paged list honours its page arguments, as Shopify's do.
      return typeof args.first === 'number' ? pageOf(value, args) : value;
    }
    const handler = (this.handlers as Record<string, (args: any, context: any, info: any) => unknown>)[
      info.fieldName
    ];
    if (!handler) throw new Error(`the fake shop does not implement ${info.fieldName}`);
    return handler(args, context, info);
  };

  private readonly handlers = {
    shop: () => ({ fulfillmentServices: this.fulfillmentServices }),
    fulfillmentService: ({ id }: { id: string }) =>
      this.fulfillmentServices.find((service) => service.id === id) ?? null,
    fulfillmentServiceCreate: ({ name, callbackUrl }: { name: string; callbackUrl: string }) => {
      if (this.fulfillmentServices.some((service) => service.serviceName === name)) {
        return {
          fulfillmentService: null,
          userErrors: [{ field: ['name'], message: 'Name has already been taken' }],
        };
      }
      const service = {
        id: this.nextId('FulfillmentService'),
        serviceName: name,
        callbackUrl,
        location: { id: this.addLocation() },
      };
      this.fulfillmentServices.push(service);
      return { fulfillmentService: service, userErrors: [] };
    },
    fulfillmentServiceUpdate: ({ id, callbackUrl }: { id: string; callbackUrl: string }) => {
      const service = this.fulfillmentServices.find((candidate) => candidate.id === id);
      if (!service)
        return { fulfillmentService: null, userErrors: [{ field: ['id'], message: 'not found' }] };
      service.callbackUrl = callbackUrl;
      return { fulfillmentService: service, userErrors: [] };
    },
    webhookSubscriptions: ({ uri }: { uri: string }) => ({
      nodes: this.webhookSubscriptions.filter((subscription) => subscription.uri === uri),
    }),
    webhookSubscriptionCreate: ({
      topic,
      webhookSubscription,
    }: {
      topic: string;
      webhookSubscription: { uri: string };
    }) => {
      const subscription = { id: this.nextId('WebhookSubscription'), topic, uri: webhookSubscription.uri };
      this.webhookSubscriptions.push(subscription);
      return { webhookSubscription: subscription, userErrors: [] };
    },
    assignedFulfillmentOrders: (args: {
      assignmentStatus: string;
      locationIds?: string[] | null;
      first: number;
      after?: string | null;
    }) => {
      const wanted = args.assignmentStatus === 'FULFILLMENT_REQUESTED' ? 'SUBMITTED' : args.assignmentStatus;
      const all = [...this.orders.values()]
        .flatMap((order) => order.fulfillmentOrders.nodes)
        .filter(
          (fulfillmentOrder) =>
            fulfillmentOrder.requestStatus === wanted &&
            (!args.locationIds ||
              args.locationIds.includes(fulfillmentOrder.assignedLocation.location?.id ?? '')),
        );
      return page(all, args.first, args.after ?? null);
    },
    order: ({ id }: { id: string }) => this.orders.get(id) ?? null,
    fulfillmentOrder: ({ id }: { id: string }) =>
      [...this.orders.values()]
        .flatMap((order) => order.fulfillmentOrders.nodes)
        .find((fulfillmentOrder) => fulfillmentOrder.id === id) ?? null,
    orders: (args: { first: number; after?: string | null; query?: string | null }) => {
      const since = /updated_at:>='([^']+)'/.exec(args.query ?? '')?.[1];
      const cancelledOnly = (args.query ?? '').includes('status:cancelled');
      const found = [...this.orders.values()]
        .filter((order) => !since || Date.parse(order.updatedAt) >= Date.parse(since))
        .filter((order) => !cancelledOnly || order.cancelledAt !== null)
        .sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt));
      return page(found, args.first, args.after ?? null);
    },
    fulfillmentOrderAcceptFulfillmentRequest: ({ id, message }: { id: string; message?: string | null }) =>
      this.answer(
        id,
        'SUBMITTED',
        { requestStatus: 'ACCEPTED', status: 'IN_PROGRESS' },
        'accept_fulfillment',
        message,
      ),
    fulfillmentOrderRejectFulfillmentRequest: ({
      id,
      message,
      reason,
    }: {
      id: string;
      message?: string | null;
      reason?: string | null;
    }) =>
      this.answer(
        id,
        'SUBMITTED',
        { requestStatus: 'REJECTED', status: 'OPEN' },
        'reject_fulfillment',
        message,
        reason,
      ),
    fulfillmentOrderAcceptCancellationRequest: ({ id, message }: { id: string; message?: string | null }) =>
      this.answer(
        id,
        'CANCELLATION_REQUESTED',
        { requestStatus: 'CANCELLATION_ACCEPTED', status: 'CLOSED' },
        'accept_cancellation',
        message,
      ),
    fulfillmentOrderRejectCancellationRequest: ({ id, message }: { id: string; message?: string | null }) =>
      this.answer(
        id,
        'CANCELLATION_REQUESTED',
        { requestStatus: 'CANCELLATION_REJECTED', status: 'IN_PROGRESS' },
        'reject_cancellation',
        message,
      ),
    fulfillmentCreate: ({ fulfillment }: { fulfillment: any }) => this.createFulfillment(fulfillment),
    fulfillmentTrackingInfoUpdate: (args: {
      fulfillmentId: string;
      trackingInfoInput: any;
      notifyCustomer?: boolean | null;
    }) => {
      const fulfillment = [...this.orders.values()]
        .flatMap((order) => order.fulfillments)
        .find((candidate) => candidate.id === args.fulfillmentId);
      if (!fulfillment)
        return {
          fulfillment: null,
          userErrors: [{ field: ['fulfillmentId'], message: 'Fulfillment does not exist.' }],
        };
      fulfillment.trackingInfo = [
        {
          company: args.trackingInfoInput.company ?? null,
          number: args.trackingInfoInput.number ?? null,
          url: args.trackingInfoInput.url ?? null,
        },
      ];
      return { fulfillment, userErrors: [] };
    },
    inventoryItems: ({ query, first }: { query: string; first: number }) => {
      const skus = [...query.matchAll(/sku:"((?:[^"\\]|\\.)*)"/g)].map((match) =>
        (match[1] ?? '').replace(/\\(.)/g, '$1'),
      );
      return {
        nodes: this.inventory
          .filter((item) => skus.includes(item.sku))
          .slice(0, first)
          .map((item) => this.itemNode(item)),
      };
    },
    inventoryItem: ({ id }: { id: string }) => {
      const item = this.inventory.find((candidate) => candidate.id === id);
      return item ? this.itemNode(item) : null;
    },
    inventorySetQuantities: (
      args: { input: any },
      context: { call: GraphqlCall; variables: Record<string, any> },
      info: any,
    ) => {
      const directive = getDirectiveValues(
        adminSchema().getDirective('idempotent')!,
        info.fieldNodes[0],
        info.variableValues,
      );
      const key = directive?.key as string | undefined;
      if (!key) throw new Error('An idempotency key is required for inventorySetQuantities (2026-04+).');
      context.call.idempotencyKey = key;
      const fingerprint = JSON.stringify(args.input);
      const seen = this.idempotency.get(key);
      if (seen) {
        if (seen.variables !== fingerprint)
          throw new Error('The idempotency key was already used with different input.');
        return seen.answer;
      }
      const answer = this.setQuantities(args.input, context.variables.input?.quantities ?? []);
      this.idempotency.set(key, { variables: fingerprint, answer });
      return answer;
    },
  };

  private itemNode(item: FakeInventoryItem) {
    return {
      id: item.id,
      sku: item.sku,
      tracked: item.tracked,
      inventoryLevel: ({ locationId }: { locationId: string }) =>
        item.available.has(locationId)
          ? { quantities: [{ name: 'available', quantity: item.available.get(locationId) }] }
          : null,
    };
  }

  private setQuantities(input: any, rawRows: Record<string, unknown>[]) {
    if (rawRows.some((row) => !Object.hasOwn(row, 'changeFromQuantity'))) {
      throw new Error('changeFromQuantity is required on every row (2026-04+); pass null to opt out.');
    }
    const rows = input.quantities as {
      inventoryItemId: string;
      locationId: string;
      quantity: number;
      changeFromQuantity: number | null;
    }[];
    // Shopify refuses a row naming an item that no longer exists (a product deleted), and applies nothing.
    const gone = rows.flatMap((row, index) =>
      this.inventory.some((candidate) => candidate.id === row.inventoryItemId) ? [] : [index],
    );
    if (gone.length > 0) {
      return {
        inventoryAdjustmentGroup: null,
        userErrors: gone.map((index) => ({
          code: 'INVALID_INVENTORY_ITEM',
          field: ['input', 'quantities', String(index), 'inventoryItemId'],
          message: 'The specified inventory item could not be found.',
        })),
      };
    }
    const stale = rows.flatMap((row, index) => {
      const item = this.inventory.find((candidate) => candidate.id === row.inventoryItemId);
      const current = item?.available.get(row.locationId);
      return row.changeFromQuantity !== null && current !== row.changeFromQuantity ? [index] : [];
    });
    if (stale.length > 0) {
      return {
        inventoryAdjustmentGroup: null,
        userErrors: stale.map((index) => ({
          code: 'CHANGE_FROM_QUANTITY_STALE',
          field: ['input', 'quantities', String(index), 'changeFromQuantity'],
          message: 'The changeFromQuantity does not match the current quantity.',
        })),
      };
    }
    for (const row of rows)
      this.inventory
        .find((item) => item.id === row.inventoryItemId)
        ?.available.set(row.locationId, row.quantity);
    this.appliedInventoryWrites += 1;
    return { inventoryAdjustmentGroup: { id: this.nextId('InventoryAdjustmentGroup') }, userErrors: [] };
  }

  private answer(
    id: string,
    expected: string,
    next: { requestStatus: string; status: string },
    kind: string,
    message?: string | null,
    reason?: string | null,
  ) {
    const fulfillmentOrder = [...this.orders.values()]
      .flatMap((order) => order.fulfillmentOrders.nodes)
      .find((candidate) => candidate.id === id);
    if (!fulfillmentOrder)
      return {
        fulfillmentOrder: null,
        userErrors: [{ field: ['id'], message: 'Fulfillment order does not exist.' }],
      };
    if (fulfillmentOrder.requestStatus !== expected) {
      return {
        fulfillmentOrder,
        userErrors: [
          {
            field: ['id'],
            message: `Cannot ${kind.replace('_', ' ')}: the request status is ${fulfillmentOrder.requestStatus}.`,
          },
        ],
      };
    }
    fulfillmentOrder.requestStatus = next.requestStatus;
    fulfillmentOrder.status = next.status;
    fulfillmentOrder.answers.push({
      kind,
      message: message ?? null,
      ...(reason !== undefined ? { reason } : {}),
    });
    return { fulfillmentOrder, userErrors: [] };
  }

  private createFulfillment(input: any) {
    const groups = input.lineItemsByFulfillmentOrder as {
      fulfillmentOrderId: string;
      fulfillmentOrderLineItems?: { id: string; quantity: number }[];
    }[];
    const fulfillmentOrders = groups.map((group) =>
      [...this.orders.values()]
        .flatMap((order) => order.fulfillmentOrders.nodes)
        .find((candidate) => candidate.id === group.fulfillmentOrderId),
    );
    if (fulfillmentOrders.some((fulfillmentOrder) => !fulfillmentOrder)) {
      return {
        fulfillment: null,
        userErrors: [{ field: ['fulfillment'], message: 'Fulfillment order does not exist.' }],
      };
    }
    const order = fulfillmentOrders[0]!.order;
    const locations = new Set(
      fulfillmentOrders.map((fulfillmentOrder) => fulfillmentOrder!.assignedLocation.location?.id),
    );
    if (
      locations.size > 1 ||
      fulfillmentOrders.some((fulfillmentOrder) => fulfillmentOrder!.order !== order)
    ) {
      return {
        fulfillment: null,
        userErrors: [
          {
            field: ['fulfillment'],
            message: 'All fulfillment orders must belong to the same order and location.',
          },
        ],
      };
    }
    const lines: FakeFulfillment['lines'] = [];
    for (const [index, group] of groups.entries()) {
      const fulfillmentOrder = fulfillmentOrders[index]!;
      if (!['OPEN', 'IN_PROGRESS'].includes(fulfillmentOrder.status)) {
        return {
          fulfillment: null,
          userErrors: [
            { field: ['fulfillment'], message: `Fulfillment order is ${fulfillmentOrder.status}.` },
          ],
        };
      }
      const wanted =
        group.fulfillmentOrderLineItems ??
        fulfillmentOrder.lineItems.nodes.map((line) => ({ id: line.id, quantity: line.remainingQuantity }));
      for (const item of wanted) {
        const line = fulfillmentOrder.lineItems.nodes.find((candidate) => candidate.id === item.id);
        if (!line || line.remainingQuantity < item.quantity) {
          return {
            fulfillment: null,
            userErrors: [
              { field: ['fulfillment'], message: 'Invalid fulfillment order line item quantity requested.' },
            ],
          };
        }
        lines.push({ fulfillmentOrderId: fulfillmentOrder.id, id: item.id, quantity: item.quantity });
      }
    }
    for (const line of lines) {
      const target = fulfillmentOrders
        .flatMap((fulfillmentOrder) => fulfillmentOrder!.lineItems.nodes)
        .find((candidate) => candidate.id === line.id)!;
      target.remainingQuantity -= line.quantity;
    }
    for (const fulfillmentOrder of fulfillmentOrders) {
      if (fulfillmentOrder!.lineItems.nodes.every((line) => line.remainingQuantity === 0))
        fulfillmentOrder!.status = 'CLOSED';
    }
    const tracking = input.trackingInfo ?? {};
    const fulfillment: FakeFulfillment = {
      id: this.nextId('Fulfillment'),
      status: 'SUCCESS',
      location: { id: [...locations][0] ?? '' },
      trackingInfo: [
        { company: tracking.company ?? null, number: tracking.number ?? null, url: tracking.url ?? null },
      ],
      notifyCustomer: input.notifyCustomer ?? false,
      lines,
    };
    order.fulfillments.push(fulfillment);
    order.updatedAt = new Date().toISOString();
    return { fulfillment, userErrors: [] };
  }
}

/** What Shopify charges after the fact: one point an object returned, two more a connection. */
function answerCost(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + answerCost(item), 0);
  if (value === null || typeof value !== 'object') return 0;
  const entries = Object.entries(value);
  const connection = entries.some(([key]) => key === 'nodes') ? 2 : 0;
  return 1 + connection + entries.reduce((sum, [, child]) => sum + answerCost(child), 0);
}

/** A connection (`{nodes}`) or a plain list, cut to the page its arguments ask for. */
function pageOf(value: unknown, args: { first: number; after?: string | null; reverse?: boolean | null }) {
  const ordered = <T>(items: T[]) => (args.reverse ? [...items].reverse() : items);
  if (Array.isArray(value)) return ordered(value).slice(0, args.first);
  if (value && typeof value === 'object' && Array.isArray((value as { nodes?: unknown }).nodes)) {
    return page(ordered((value as { nodes: unknown[] }).nodes), args.first, args.after ?? null);
  }
  return value;
}

function page<T>(items: T[], first: number, after: string | null) {
  const start = after ? Number(after) : 0;
  const nodes = items.slice(start, start + first);
  const end = start + nodes.length;
  return {
    nodes,
    pageInfo: { hasNextPage: end < items.length, endCursor: nodes.length > 0 ? String(end) : null },
  };
}
