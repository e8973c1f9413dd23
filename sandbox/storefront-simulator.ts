/**
 * A simulated storefront, shaped like Shopify's REST API: orders with large integer ids sent as
 * strings, prices as decimal strings, a fulfillments endpoint that is idempotent on a reference,
 * and an inventory endpoint. It places orders (by hand, over HTTP, or on a timer) and tells the hub
 * about them by webhook. State is in memory: this is the far side of the network, not the hub.
 * Longer than 300 lines: one fastify app whose routes share the in-memory state they close over;
 * its shared plumbing is already in `simulator-http.ts`, `webhook-sender.ts` and `demo-data.ts`.
 */
import { pino } from 'pino';
import { DEFAULT_CATALOG, DEMO_CUSTOMERS, pickDistinct, pickRandom, randomInt } from './demo-data.ts';
import { createMonotonicClock } from './monotonic-clock.ts';
import { checkedRunId } from './run-id.ts';
import { cannedAnswers, createSimulatorServer, pageByUpdatedAt, readPageQuery } from './simulator-http.ts';
import type {
  OrderChanges,
  OrderOverrides,
  StorefrontFulfillment,
  StorefrontLineItem,
  StorefrontOrder,
  StorefrontSimulator,
  StorefrontSimulatorOptions,
  StorefrontTopic,
} from './storefront-simulator-types.ts';
import { createWebhookSender } from './webhook-sender.ts';

// Shopify-sized ids, far above 2^53: anything that parses them as numbers corrupts them.
const FIRST_ORDER_ID = 7001000000000000001n;
const FIRST_LINE_ITEM_ID = 7101000000000000001n;
const FIRST_FULFILLMENT_ID = 7201000000000000001n;

/**
 * Ids a run may use before the next millisecond's run begins: a run would have to place more than
 * this many orders per millisecond it lived to reach ids of a run started after it.
 */
const IDS_PER_RUN_MS = 100_000n;

function idSequence(first: bigint, runId: number): () => string {
  let next = first + BigInt(runId) * IDS_PER_RUN_MS;
  return () => (next++).toString();
}

/** "12.50" → 1250, by the digits: even the far side keeps floats out of money. */
function cents(price: string): number {
  const [whole = '0', fraction = ''] = price.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
}

function formatCents(value: number): string {
  return `${Math.floor(value / 100)}.${String(value % 100).padStart(2, '0')}`;
}

const fulfillmentBodySchema = {
  type: 'object',
  required: ['reference', 'line_items', 'tracking'],
  properties: {
    reference: { type: 'string', minLength: 1 },
    line_items: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['id', 'quantity'],
        properties: { id: { type: 'string', minLength: 1 }, quantity: { type: 'integer', minimum: 1 } },
      },
    },
    tracking: {
      type: 'object',
      required: ['number'],
      properties: {
        carrier: { type: ['string', 'null'] },
        number: { type: 'string', minLength: 1 },
        url: { type: ['string', 'null'] },
      },
    },
  },
} as const;

const inventoryBodySchema = {
  type: 'object',
  required: ['levels'],
  properties: {
    levels: {
      type: 'array',
      maxItems: 250,
      items: {
        type: 'object',
        required: ['sku', 'available'],
        properties: { sku: { type: 'string', minLength: 1 }, available: { type: 'integer' } },
      },
    },
  },
} as const;

// Over HTTP only the lines and the payment status can be chosen; the rest is made up.
const simOrderBodySchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    lines: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['sku', 'quantity'],
        properties: { sku: { type: 'string', minLength: 1 }, quantity: { type: 'integer', minimum: 1 } },
      },
    },
    financial_status: { enum: ['paid', 'pending'] },
  },
} as const;

interface FulfillmentBody {
  reference: string;
  line_items: { id: string; quantity: number }[];
  tracking: { carrier?: string | null; number: string; url?: string | null };
}

export function createStorefrontSimulator(options: StorefrontSimulatorOptions): StorefrontSimulator {
  const catalog = options.catalog ?? [...DEFAULT_CATALOG];
  const currency = options.currency ?? 'EUR';
  const log = options.logger ?? pino({ level: 'silent' });
  const now = createMonotonicClock();
  const runId = checkedRunId(options.runId);
  const nextOrderId = idSequence(FIRST_ORDER_ID, runId);
  const nextLineItemId = idSequence(FIRST_LINE_ITEM_ID, runId);
  const nextFulfillmentId = idSequence(FIRST_FULFILLMENT_ID, runId);
  let orderNumber = 1000;

  const orders = new Map<string, StorefrontOrder>();
  const inventory = new Map<string, number>(catalog.map((item) => [item.sku, 0]));
  const refusedStockSkus = new Set(options.refuseStockSkus ?? []);
  const webhooks = createWebhookSender({
    secret: options.webhookSecret,
    url: options.webhookUrl ?? null,
    retries: options.webhookRetries,
    retryDelayMs: options.webhookRetryDelayMs,
    logger: log,
  });
  let orderTimer: NodeJS.Timeout | null = null;

  function orderOrThrow(id: string): StorefrontOrder {
    const order = orders.get(id);
    if (!order) throw new Error(`no sandbox order ${id}`);
    return order;
  }

  function notify(topic: StorefrontTopic, order: StorefrontOrder): void {
    webhooks.emit(topic, order);
  }

  function buildLines(overrides: OrderOverrides['lines']): StorefrontLineItem[] {
    const wanted: NonNullable<OrderOverrides['lines']> =
      overrides ??
      pickDistinct(catalog, randomInt(1, 3)).map((item) => ({ sku: item.sku, quantity: randomInt(1, 3) }));
    return wanted.map((line) => {
      const item = catalog.find((candidate) => candidate.sku === line.sku);
      return {
        id: nextLineItemId(),
        sku: line.sku,
        title: line.title ?? item?.title ?? line.sku ?? 'Item',
        quantity: line.quantity,
        price: line.price ?? item?.price ?? '10.00',
        requires_shipping: line.requires_shipping ?? true,
        product_id: line.product_id ?? null,
        variant_id: line.variant_id ?? null,
      };
    });
  }

  function placeOrder(overrides: OrderOverrides = {}): StorefrontOrder {
    const customer = pickRandom(DEMO_CUSTOMERS);
    const lineItems = buildLines(overrides.lines);
    const total = lineItems.reduce((sum, line) => sum + cents(line.price) * line.quantity, 0);
    const createdAt = now();
    orderNumber += 1;
    const order: StorefrontOrder = {
      id: nextOrderId(),
      name: `#${orderNumber}`,
      created_at: createdAt,
      updated_at: createdAt,
      financial_status: overrides.financial_status ?? 'paid',
      cancelled_at: null,
      currency,
      total_price: formatCents(total),
      email: overrides.email !== undefined ? overrides.email : customer.email,
      shipping_address:
        overrides.shipping_address !== undefined ? overrides.shipping_address : { ...customer.address },
      shipping_method: overrides.shipping_method !== undefined ? overrides.shipping_method : 'standard',
      tags: overrides.tags ?? ['sandbox'],
      note: overrides.note ?? null,
      test: true,
      line_items: lineItems,
      fulfillments: [],
    };
    orders.set(order.id, order);
    notify('orders/create', order);
    log.info({ orderId: order.id, name: order.name }, 'sandbox storefront placed an order');
    return structuredClone(order);
  }

  function updateOrder(id: string, changes: OrderChanges): StorefrontOrder {
    const order = orderOrThrow(id);
    Object.assign(order, structuredClone(changes), { updated_at: now() });
    notify('orders/updated', order);
    return structuredClone(order);
  }

  function cancelOrder(id: string): StorefrontOrder {
    const order = orderOrThrow(id);
    if (order.cancelled_at === null) {
      const at = now();
      order.cancelled_at = at;
      order.updated_at = at;
      notify('orders/cancelled', order);
    }
    return structuredClone(order);
  }

  /** Why a fulfillment cannot be recorded, or null when it can. */
  function fulfillmentProblem(order: StorefrontOrder, body: FulfillmentBody): Record<string, unknown> | null {
    if (order.cancelled_at !== null) return { error: 'order_cancelled' };
    for (const requested of body.line_items) {
      const line = order.line_items.find((candidate) => candidate.id === requested.id);
      if (!line) return { error: 'unknown_line_item', line_item_id: requested.id };
      const alreadyFulfilled = order.fulfillments
        .flatMap((fulfillment) => fulfillment.line_items)
        .filter((fulfilled) => fulfilled.id === line.id)
        .reduce((sum, fulfilled) => sum + fulfilled.quantity, 0);
      if (alreadyFulfilled + requested.quantity > line.quantity) {
        return { error: 'quantity_exceeds_unfulfilled', line_item_id: line.id };
      }
    }
    return null;
  }

  const app = createSimulatorServer(options.apiKey);
  const answerNext = cannedAnswers(app);

  app.get('/api/orders', async (request, reply) => {
    const page = readPageQuery(request.query);
    if ('error' in page) return reply.code(400).send({ error: 'invalid_request', message: page.error });
    return { orders: pageByUpdatedAt(orders.values(), page) };
  });

  app.get<{ Params: { id: string } }>('/api/orders/:id', async (request, reply) => {
    const order = orders.get(request.params.id);
    if (!order) return reply.code(404).send({ error: 'not_found' });
    return { order };
  });

  app.post<{ Params: { id: string }; Body: FulfillmentBody }>(
    '/api/orders/:id/fulfillments',
    { schema: { body: fulfillmentBodySchema } },
    async (request, reply) => {
      const order = orders.get(request.params.id);
      if (!order) return reply.code(404).send({ error: 'not_found' });
      const body = request.body;
      // Idempotency: the same reference is the same fulfillment, however many times it is sent.
      const existing = order.fulfillments.find((fulfillment) => fulfillment.reference === body.reference);
      if (existing) return reply.code(200).send({ fulfillment: existing });
      const problem = fulfillmentProblem(order, body);
      if (problem) return reply.code(422).send(problem);
      const createdAt = now();
      const fulfillment: StorefrontFulfillment = {
        id: nextFulfillmentId(),
        reference: body.reference,
        tracking: {
          carrier: body.tracking.carrier ?? null,
          number: body.tracking.number,
          url: body.tracking.url ?? null,
        },
        line_items: body.line_items.map((line) => ({ id: line.id, quantity: line.quantity })),
        created_at: createdAt,
      };
      order.fulfillments.push(fulfillment);
      // The order changed, so it shows up in the next poll. No webhook: the hub made this change
      // itself, and the sandbox keeps webhook traffic to what the hub has to be told.
      order.updated_at = createdAt;
      return reply.code(201).send({ fulfillment });
    },
  );

  app.get('/api/inventory', async () => ({
    levels: [...inventory].map(([sku, available]) => ({ sku, available })),
  }));

  app.post<{ Body: { levels: { sku: string; available: number }[] } }>(
    '/api/inventory/set',
    { schema: { body: inventoryBodySchema } },
    async (request) => {
      // Like real storefronts' batch endpoints: one refused item does not fail the others.
      const errors: { sku: string; code: string; message: string }[] = [];
      let updated = 0;
      for (const level of request.body.levels) {
        if (refusedStockSkus.has(level.sku)) {
          errors.push({
            sku: level.sku,
            code: 'stock_locked',
            message: `the stock of ${level.sku} is managed by another app`,
          });
          continue;
        }
        inventory.set(level.sku, level.available);
        updated += 1;
      }
      return { updated, errors };
    },
  );

  app.post<{ Body: Pick<OrderOverrides, 'lines' | 'financial_status'> | null | undefined }>(
    '/sim/orders',
    { schema: { body: simOrderBodySchema } },
    async (request, reply) => reply.code(201).send({ order: placeOrder(request.body ?? {}) }),
  );

  let closed = false;

  return {
    async listen(port = 0, host = '127.0.0.1') {
      const baseUrl = await app.listen({ port, host });
      const interval = options.orderIntervalMs ?? 0;
      if (interval > 0 && orderTimer === null) {
        orderTimer = setInterval(() => {
          try {
            placeOrder();
          } catch (error) {
            log.error({ error }, 'sandbox storefront could not place a demo order');
          }
        }, interval);
      }
      return baseUrl;
    },
    async close() {
      if (closed) return;
      closed = true;
      if (orderTimer) clearInterval(orderTimer);
      await webhooks.close();
      await app.close();
    },
    setWebhookUrl: (url) => webhooks.setUrl(url),
    pauseWebhooks: (paused) => webhooks.pause(paused),
    webhooksSettled: () => webhooks.settled(),
    answerNext,
    placeOrder,
    updateOrder,
    cancelOrder,
    resend: (eventId) => webhooks.resend(eventId),
    getOrder: (id) => {
      const order = orders.get(id);
      return order ? structuredClone(order) : undefined;
    },
    listOrders: () => structuredClone([...orders.values()]),
    inventory: () => Object.fromEntries(inventory),
    fulfillmentsOf: (orderId) => structuredClone(orderOrThrow(orderId).fulfillments),
    events: () => webhooks.events(),
  };
}
