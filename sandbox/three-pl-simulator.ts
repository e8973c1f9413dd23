/**
 * A simulated third-party warehouse (3PL), shaped like ShipBob or ShipHero: it accepts orders by
 * a client reference, allocates stock, ships them after a delay with a carrier and a tracking
 * number, and reports shipments and stock changes by webhook. Its failure knobs reproduce what
 * makes real 3PL integrations hard: outages, lost responses, unknown SKUs and rejections.
 * Longer than 300 lines: one fastify app whose routes share the in-memory state they close over;
 * the stock ledger, HTTP plumbing and webhook sender are already in their own files.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { pino } from 'pino';
import { defaultStock } from './demo-data.ts';
import { createMonotonicClock } from './monotonic-clock.ts';
import { checkedRunId } from './run-id.ts';
import { cannedAnswers, createSimulatorServer, pageByUpdatedAt, readPageQuery } from './simulator-http.ts';
import { DEFAULT_LOCATION_ID, locationOf } from './three-pl-locations.ts';
import type {
  ThreePlLine,
  ThreePlOrder,
  ThreePlShipTo,
  ThreePlSimulator,
  ThreePlSimulatorOptions,
  ThreePlTopic,
} from './three-pl-simulator-types.ts';
import { createStockLedger, type StockLedger } from './three-pl-stock.ts';
import { createWebhookSender } from './webhook-sender.ts';

const CARRIERS = [
  { carrier: 'UPS', prefix: '1ZSBX' },
  { carrier: 'DHL', prefix: 'JJDSBX' },
] as const;

const nullableString = { type: ['string', 'null'] } as const;

const createOrderBodySchema = {
  type: 'object',
  required: ['reference', 'order_number', 'ship_to', 'lines'],
  properties: {
    reference: { type: 'string', minLength: 1, maxLength: 200 },
    order_number: { type: 'string' },
    email: nullableString,
    ship_to: {
      type: 'object',
      required: ['name', 'address1', 'city', 'country_code'],
      properties: {
        name: { type: 'string', minLength: 1 },
        company: nullableString,
        address1: { type: 'string', minLength: 1 },
        address2: nullableString,
        city: { type: 'string', minLength: 1 },
        province: nullableString,
        zip: nullableString,
        country_code: { type: 'string', pattern: '^[A-Z]{2}$' },
        phone: nullableString,
      },
    },
    shipping_method: nullableString,
    location: nullableString,
    lines: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['sku', 'name', 'quantity'],
        properties: {
          sku: { type: 'string', minLength: 1 },
          name: { type: 'string' },
          quantity: { type: 'integer', minimum: 1 },
        },
      },
    },
  },
} as const;

const setStockBodySchema = {
  type: 'object',
  required: ['sku', 'available'],
  properties: {
    sku: { type: 'string', minLength: 1 },
    available: { type: 'integer', minimum: 0 },
    location: { type: 'string', minLength: 1 },
  },
} as const;

interface CreateOrderBody {
  reference: string;
  order_number: string;
  email?: string | null;
  ship_to: Partial<ThreePlShipTo> & Pick<ThreePlShipTo, 'name' | 'address1' | 'city' | 'country_code'>;
  shipping_method?: string | null;
  lines: ThreePlLine[];
  /** The warehouse the hub routed the order to; null or absent: the 3PL picks. */
  location?: string | null;
}

export function createThreePlSimulator(options: ThreePlSimulatorOptions): ThreePlSimulator {
  const locationOptions = options.locations?.length
    ? options.locations
    : [{ id: options.location ?? DEFAULT_LOCATION_ID, stock: options.stock ?? defaultStock() }];
  const locations = locationOptions.map(locationOf);
  const primary = locations[0]?.id ?? DEFAULT_LOCATION_ID;
  const shipDelayMs = options.shipDelayMs ?? 3000;
  const rejectSkus = new Set(options.rejectSkus ?? []);
  const log = options.logger ?? pino({ level: 'silent' });
  const now = createMonotonicClock();
  let outagesLeft = options.failFirstCreates ?? 0;
  let lostResponsesLeft = options.failAfterCreate ?? 0;
  let createAttempts = 0;
  const runId = checkedRunId(options.runId);
  // A restarted 3PL must not hand out an id the hub already bound to an older shipment.
  const idPrefix = runId === 0 ? 'SBX-' : `SBX-${runId.toString(36).toUpperCase()}-`;
  let orderSequence = 0;
  let shipmentSequence = 0;

  const orders = new Map<string, ThreePlOrder>();
  const ledgers = new Map<string, StockLedger>(
    locationOptions.map((location) => [location.id, createStockLedger(location.stock)]),
  );
  function ledgerOf(location: string): StockLedger {
    const ledger = ledgers.get(location);
    if (!ledger) throw new Error(`no sandbox 3PL location ${location}`);
    return ledger;
  }
  /** Like a 3PL that splits nothing: the first warehouse that can ship it all, else one that stocks it all. */
  function pickLocation(lines: readonly ThreePlLine[]): string | null {
    const stocksAll = [...ledgers].filter(([, ledger]) => lines.every((line) => ledger.knows(line.sku)));
    const canShip = stocksAll.find(([, ledger]) =>
      lines.every((line) => ledger.available(line.sku) >= line.quantity),
    );
    return (canShip ?? stocksAll[0])?.[0] ?? null;
  }
  /** The warehouse the hub asked for, when it stocks every line; else the 3PL's own pick. */
  function chosenLocation(location: string, lines: readonly ThreePlLine[]): string | null {
    const ledger = ledgers.get(location);
    return ledger && lines.every((line) => ledger.knows(line.sku)) ? location : pickLocation(lines);
  }
  const shipTimers = new Map<string, NodeJS.Timeout>();
  const webhooks = createWebhookSender({
    secret: options.webhookSecret,
    url: options.webhookUrl ?? null,
    retries: options.webhookRetries,
    retryDelayMs: options.webhookRetryDelayMs,
    logger: log,
  });

  function orderOrThrow(id: string): ThreePlOrder {
    const order = orders.get(id);
    if (!order) throw new Error(`no sandbox 3PL order ${id}`);
    return order;
  }

  function emit(topic: ThreePlTopic, occurredAt: string, data: Record<string, unknown>): void {
    const eventId = randomUUID();
    webhooks.emit(topic, { event_id: eventId, topic, occurred_at: occurredAt, ...data }, eventId);
  }

  function emitShipmentEvent(topic: ThreePlTopic, order: ThreePlOrder): void {
    const { id, reference, status, updated_at, shipment } = order;
    emit(topic, updated_at, { order: { id, reference, status, updated_at, shipment } });
  }

  function emitStockChanged(location: string, skus: Iterable<string>): void {
    const levels = ledgerOf(location).levels(skus);
    if (levels.length > 0) emit('stock.changed', now(), { location, levels });
  }

  function ship(order: ThreePlOrder): void {
    clearTimeout(shipTimers.get(order.id));
    shipTimers.delete(order.id);
    if (order.status !== 'accepted') return;
    shipmentSequence += 1;
    const { carrier, prefix } = CARRIERS[(shipmentSequence - 1) % CARRIERS.length] ?? CARRIERS[0];
    // The sequence makes it unique here; the random tail keeps restarts from reusing numbers.
    const trackingNumber = `${prefix}${String(shipmentSequence).padStart(8, '0')}${randomBytes(2).toString('hex').toUpperCase()}`;
    const at = now();
    order.status = 'shipped';
    order.updated_at = at;
    order.shipment = {
      carrier,
      tracking_number: trackingNumber,
      tracking_url: `https://tracking.sandbox.example/${carrier.toLowerCase()}/${trackingNumber}`,
      shipped_at: at,
      delivered_at: null,
      lines: order.lines.map(({ sku, quantity }) => ({ sku, quantity })),
    };
    ledgerOf(order.location).ship(order.lines);
    log.info({ orderId: order.id, reference: order.reference, carrier }, 'sandbox 3PL shipped an order');
    emitShipmentEvent('shipment.shipped', order);
    emitStockChanged(
      order.location,
      order.lines.map((line) => line.sku),
    );
  }

  function scheduleShipping(order: ThreePlOrder): void {
    if (shipDelayMs <= 0) return;
    shipTimers.set(
      order.id,
      setTimeout(() => ship(order), shipDelayMs),
    );
  }

  function createOrder(body: CreateOrderBody, location: string): ThreePlOrder {
    orderSequence += 1;
    const at = now();
    const order: ThreePlOrder = {
      id: `${idPrefix}${String(orderSequence).padStart(6, '0')}`,
      reference: body.reference,
      order_number: body.order_number,
      email: body.email ?? null,
      ship_to: {
        name: body.ship_to.name,
        company: body.ship_to.company ?? null,
        address1: body.ship_to.address1,
        address2: body.ship_to.address2 ?? null,
        city: body.ship_to.city,
        province: body.ship_to.province ?? null,
        zip: body.ship_to.zip ?? null,
        country_code: body.ship_to.country_code,
        phone: body.ship_to.phone ?? null,
      },
      shipping_method: body.shipping_method ?? null,
      status: 'accepted',
      location,
      created_at: at,
      updated_at: at,
      lines: body.lines.map(({ sku, name, quantity }) => ({ sku, name, quantity })),
      shipment: null,
    };
    orders.set(order.id, order);
    ledgerOf(location).allocate(order.lines);
    scheduleShipping(order);
    return order;
  }

  const app = createSimulatorServer(options.apiKey);
  const answerNext = cannedAnswers(app);

  /** Runs before the body is read: an outage refuses the request before doing anything. */
  async function countAndMaybeRefuse(_request: FastifyRequest, reply: FastifyReply) {
    createAttempts += 1;
    if (outagesLeft > 0) {
      outagesLeft -= 1;
      return reply.code(503).send({ error: 'service_unavailable' });
    }
  }

  app.post<{ Body: CreateOrderBody }>(
    '/v1/orders',
    { onRequest: countAndMaybeRefuse, schema: { body: createOrderBodySchema } },
    async (request, reply) => {
      const body = request.body;
      const existing = [...orders.values()].find((order) => order.reference === body.reference);
      if (existing) return reply.code(409).send({ error: 'duplicate_reference', order_id: existing.id });
      const location = body.location ? chosenLocation(body.location, body.lines) : pickLocation(body.lines);
      if (location === null) {
        const unknown = body.lines
          .map((line) => line.sku)
          .filter((sku) => ![...ledgers.values()].some((ledger) => ledger.knows(sku)));
        // Every SKU is stocked somewhere, but no one warehouse stocks them all: still unshippable here.
        const skus = unknown.length > 0 ? unknown : body.lines.map((line) => line.sku);
        return reply.code(422).send({ error: 'unknown_sku', skus: [...new Set(skus)] });
      }
      const refused = body.lines.find((line) => rejectSkus.has(line.sku));
      if (refused) {
        return reply
          .code(422)
          .send({ error: 'rejected', reason: `SKU ${refused.sku} cannot be shipped from ${location}` });
      }
      const order = createOrder(body, location);
      await options.beforeCreateResponse?.(structuredClone(order));
      if (lostResponsesLeft > 0) {
        lostResponsesLeft -= 1;
        return reply.code(500).send({ error: 'internal_error' });
      }
      return reply.code(201).send({ order });
    },
  );

  app.get<{ Querystring: { reference?: string } }>('/v1/orders', async (request, reply) => {
    const page = readPageQuery(request.query);
    if ('error' in page) return reply.code(400).send({ error: 'invalid_request', message: page.error });
    const { reference } = request.query;
    const candidates = [...orders.values()].filter(
      (order) => reference === undefined || order.reference === reference,
    );
    return { orders: pageByUpdatedAt(candidates, page) };
  });

  app.get<{ Params: { id: string } }>('/v1/orders/:id', async (request, reply) => {
    const order = orders.get(request.params.id);
    if (!order) return reply.code(404).send({ error: 'not_found' });
    return { order };
  });

  app.post<{ Params: { id: string } }>('/v1/orders/:id/cancel', async (request, reply) => {
    const order = orders.get(request.params.id);
    if (!order) return reply.code(404).send({ error: 'not_found' });
    if (order.status === 'shipped' || order.status === 'delivered') {
      return reply.code(409).send({ error: 'already_shipped' });
    }
    if (order.status === 'accepted') {
      clearTimeout(shipTimers.get(order.id));
      shipTimers.delete(order.id);
      order.status = 'cancelled';
      order.updated_at = now();
      ledgerOf(order.location).release(order.lines);
      emitStockChanged(
        order.location,
        order.lines.map((line) => line.sku),
      );
    }
    return { order };
  });

  // `location` and `levels` are the first warehouse's (the shape before locations); `locations` has all.
  app.get('/v1/stock', async () => ({
    location: primary,
    levels: ledgerOf(primary).levels(),
    locations: [...ledgers].map(([location, ledger]) => ({ location, levels: ledger.levels() })),
    as_of: new Date().toISOString(),
  }));

  app.get('/v1/locations', async () => ({ locations }));

  function setStock(sku: string, available: number, location = primary): void {
    ledgerOf(location).setAvailable(sku, available);
    emitStockChanged(location, [sku]);
  }

  app.post<{ Body: { sku: string; available: number; location?: string } }>(
    '/sim/stock',
    { schema: { body: setStockBodySchema } },
    async (request, reply) => {
      const { sku, available, location = primary } = request.body;
      if (!ledgers.has(location)) return reply.code(404).send({ error: 'unknown_location' });
      setStock(sku, available, location);
      return { sku, location, available: ledgerOf(location).available(sku) };
    },
  );

  let closed = false;

  return {
    listen: (port = 0, host = '127.0.0.1') => app.listen({ port, host }),
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of shipTimers.values()) clearTimeout(timer);
      shipTimers.clear();
      await webhooks.close();
      await app.close();
    },
    setWebhookUrl: (url) => webhooks.setUrl(url),
    pauseWebhooks: (paused) => webhooks.pause(paused),
    webhooksSettled: () => webhooks.settled(),
    answerNext,
    loseCreateAnswers: (count) => {
      lostResponsesLeft += count;
    },
    orders: () => structuredClone([...orders.values()]),
    ordersByReference: (reference) =>
      structuredClone([...orders.values()].filter((order) => order.reference === reference)),
    createAttempts: () => createAttempts,
    shipNow(orderId) {
      const order = orderOrThrow(orderId);
      if (order.status === 'cancelled') throw new Error(`sandbox 3PL order ${orderId} is cancelled`);
      ship(order);
      return structuredClone(order);
    },
    deliverNow(orderId) {
      const order = orderOrThrow(orderId);
      if (order.status !== 'shipped' || !order.shipment) {
        throw new Error(`sandbox 3PL order ${orderId} is ${order.status}, not shipped`);
      }
      const at = now();
      order.status = 'delivered';
      order.updated_at = at;
      order.shipment.delivered_at = at;
      emitShipmentEvent('shipment.delivered', order);
      return structuredClone(order);
    },
    stock: (location = primary) =>
      Object.fromEntries(
        ledgerOf(location)
          .levels()
          .map(({ sku, available }) => [sku, available]),
      ),
    setStock,
    locations: () => structuredClone(locations),
    resend: (eventId) => webhooks.resend(eventId),
    events: () => webhooks.events(),
  };
}
