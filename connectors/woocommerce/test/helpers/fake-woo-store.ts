// biome-ignore-all lint/suspicious/noExplicitAny: the fake store handles loosely typed JSON, as PHP does.
/**
 * A WooCommerce store for end-to-end tests, behind nock: the REST routes the connector uses, with
 * state, and deliveries to the hub made the way WooCommerce makes them (PHP-escaped JSON signed
 * with each webhook's own secret; an unsigned form ping when a webhook is created). Behaviour
 * follows WooCommerce's REST API v3 documentation; only what the connector relies on is modelled.
 */
import { createHmac } from 'node:crypto';
import nock from 'nock';
import { phpJson } from './woo-test-kit.ts';

export interface FakeProduct {
  id: number;
  sku: string;
  parentId: number | null;
  stock: number | null;
}

export interface FakeWebhook {
  id: number;
  name: string;
  status: 'active' | 'paused' | 'disabled';
  topic: string;
  delivery_url: string;
  secret: string;
}

export interface FakeStoreOptions {
  consumerKey: string;
  consumerSecret: string;
  /** What the store offers for tracking. */
  tracking: 'shipment-tracking' | 'fulfillments' | 'order-meta';
  products: FakeProduct[];
}

const gmt = (ms: number) => new Date(ms).toISOString().slice(0, 19);

export function createFakeWooStore(origin: string, options: FakeStoreOptions) {
  const webhooks: FakeWebhook[] = [];
  const orders = new Map<number, any>();
  const notes = new Map<number, { id: number; note: string; customer_note: boolean }[]>();
  const trackingItems = new Map<
    number,
    { tracking_id: string; tracking_number: string; tracking_provider: string }[]
  >();
  const pings: { webhookId: number; status: number }[] = [];
  /** Answers for the next authenticated requests, before any route runs (a throttle, a refusal). */
  const cannedAnswers: {
    status: number;
    body: unknown;
    headers: Record<string, string>;
    writesOnly: boolean;
  }[] = [];
  const deliveries: { topic: string; id: number; status: number; outcome: string | null }[] = [];
  const stockWrites: { sku: string; quantity: number }[] = [];
  let nextId = 1000;
  let lastModified = 0;
  /** Webhook writes to let through, then how many to refuse (a security plugin, a host's firewall). */
  const refusal = { letThrough: 0, refuse: 0 };
  const refusedWrite = () => {
    if (refusal.refuse === 0) return null;
    if (refusal.letThrough > 0) {
      refusal.letThrough -= 1;
      return null;
    }
    refusal.refuse -= 1;
    return [
      403,
      {
        code: 'woocommerce_rest_cannot_edit',
        message: 'Sorry, you are not allowed to edit this resource.',
        data: { status: 403 },
      },
    ] as const;
  };

  /** Modification times in whole seconds, always moving forward, as WooCommerce stores them. */
  const tick = () => {
    lastModified = Math.max(Math.floor(Date.now() / 1000) * 1000, lastModified + 1000);
    return gmt(lastModified);
  };

  const authorized = (request: Request) => {
    const url = new URL(request.url);
    const basic = `Basic ${Buffer.from(`${options.consumerKey}:${options.consumerSecret}`).toString('base64')}`;
    return (
      request.headers.get('authorization') === basic ||
      (url.searchParams.get('consumer_key') === options.consumerKey &&
        url.searchParams.get('consumer_secret') === options.consumerSecret)
    );
  };
  const unauthorized = [
    401,
    {
      code: 'woocommerce_rest_authentication_error',
      message: 'Invalid signature - provided signature does not match.',
      data: { status: 401 },
    },
  ] as const;
  const notFound = [
    404,
    { code: 'woocommerce_rest_shop_order_invalid_id', message: 'Invalid ID.', data: { status: 404 } },
  ] as const;

  function route(
    method: 'get' | 'post' | 'put' | 'delete',
    path: RegExp,
    handler: (request: Request, match: RegExpExecArray, body: any) => unknown | Promise<unknown>,
    open = false,
  ) {
    nock(origin)
      .persist()
      [method]((uri: string) => path.test(uri.split('?')[0] ?? ''))
      .reply(async (request: Request) => {
        if (!open && !authorized(request)) return unauthorized;
        const canned = cannedAnswers[0];
        if (canned && (!canned.writesOnly || method !== 'get')) {
          cannedAnswers.shift();
          return [canned.status, canned.body, canned.headers] as never;
        }
        const match = path.exec(new URL(request.url).pathname)!;
        const text = method === 'get' || method === 'delete' ? '' : await request.text();
        return handler(request, match, text ? JSON.parse(text) : null) as never;
      });
  }

  const productBody = (p: FakeProduct) => ({
    id: p.id,
    sku: p.sku,
    type: p.parentId ? 'variation' : 'simple',
    parent_id: p.parentId ?? 0,
    manage_stock: p.stock !== null,
    stock_quantity: p.stock,
    date_modified_gmt: tick(),
  });

  async function deliver(topic: string, body: unknown) {
    const raw = phpJson(body);
    for (const webhook of webhooks.filter((w) => w.topic === topic && w.status === 'active')) {
      // WooCommerce delivers from a background job (and from `void deliver(…)` here): a hub that is
      // gone (a test ending) is a failed delivery it logs, never an error in its caller.
      const response = await fetch(webhook.delivery_url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'WooCommerce/10.3.0 Hookshot (WordPress/6.8.1)',
          'x-wc-webhook-source': `${origin}/`,
          'x-wc-webhook-topic': topic,
          'x-wc-webhook-resource': topic.split('.')[0]!,
          'x-wc-webhook-event': topic.split('.')[1]!,
          'x-wc-webhook-signature': createHmac('sha256', webhook.secret).update(raw).digest('base64'),
          'x-wc-webhook-id': String(webhook.id),
          'x-wc-webhook-delivery-id': createHmac('md5', 'wp')
            .update(`${webhook.id}${Math.floor(Date.now() / 1000)}`)
            .digest('hex'),
        },
        body: raw,
      }).catch(() => null);
      if (!response) {
        deliveries.push({ topic, id: (body as { id: number }).id, status: 0, outcome: null });
        continue;
      }
      const answer = (await response.json().catch(() => null)) as { outcome?: string } | null;
      deliveries.push({
        topic,
        id: (body as { id: number }).id,
        status: response?.status ?? 0,
        outcome: answer?.outcome ?? null,
      });
    }
  }

  async function ping(webhook: FakeWebhook) {
    const response = await fetch(webhook.delivery_url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'WordPress/6.8.1' },
      body: `webhook_id=${webhook.id}`,
    }).catch(() => null);
    pings.push({ webhookId: webhook.id, status: response?.status ?? 0 });
  }

  // --- the public index ---------------------------------------------------------------------------
  route(
    'get',
    /^\/wp-json\/$/,
    () => [
      200,
      {
        name: 'Test store',
        namespaces: [
          'wp/v2',
          'wc/v3',
          ...(options.tracking === 'shipment-tracking' ? ['wc-shipment-tracking/v3'] : []),
        ],
        routes:
          options.tracking === 'fulfillments'
            ? { '/wc/v3/orders/(?P<order_id>[\\d]+)/fulfillments': {} }
            : { '/wc/v3/orders': {} },
      },
    ],
    true,
  );

  // --- webhooks -----------------------------------------------------------------------------------
  const view = ({ secret: _secret, ...webhook }: FakeWebhook) => webhook;
  route('get', /^\/wp-json\/wc\/v3\/webhooks$/, () => [200, webhooks.map(view), { 'x-wp-totalpages': '1' }]);
  route('post', /^\/wp-json\/wc\/v3\/webhooks$/, async (_request, _match, body) => {
    const refused = refusedWrite();
    if (refused) return refused;
    const webhook: FakeWebhook = { id: nextId++, status: 'active', ...body };
    webhooks.push(webhook);
    // REST creation pings at once and ignores the answer.
    await ping(webhook);
    return [201, view(webhook)];
  });
  route('put', /^\/wp-json\/wc\/v3\/webhooks\/(\d+)$/, async (_request, match, body) => {
    const refused = refusedWrite();
    if (refused) return refused;
    const webhook = webhooks.find((w) => w.id === Number(match[1]));
    if (!webhook) return [404, { code: 'woocommerce_rest_shop_webhook_invalid_id', message: 'Invalid ID.' }];
    const moved = body.delivery_url && body.delivery_url !== webhook.delivery_url;
    Object.assign(webhook, body);
    if (moved) await ping(webhook);
    return [200, view(webhook)];
  });

  // --- orders -------------------------------------------------------------------------------------
  route('get', /^\/wp-json\/wc\/v3\/orders$/, (request) => {
    const q = new URL(request.url).searchParams;
    let list = [...orders.values()];
    const include = q.get('include');
    if (include) list = list.filter((o) => include.split(',').includes(String(o.id)));
    list =
      q.get('status') === 'trash'
        ? list.filter((o) => o.status === 'trash')
        : list.filter((o) => o.status !== 'trash');
    const after = q.get('modified_after');
    if (after) list = list.filter((o) => o.date_modified_gmt > after.slice(0, 19));
    if (q.get('orderby') === 'modified')
      list.sort((a, b) => (a.date_modified_gmt < b.date_modified_gmt ? -1 : 1));
    const size = Number(q.get('per_page') ?? 10);
    const page = Number(q.get('page') ?? 1);
    const pages = Math.max(1, Math.ceil(list.length / size));
    return [
      200,
      list.slice((page - 1) * size, page * size),
      { 'x-wp-totalpages': String(pages), 'x-wp-total': String(list.length) },
    ];
  });
  route('get', /^\/wp-json\/wc\/v3\/orders\/(\d+)$/, (_request, match) => {
    const order = orders.get(Number(match[1]));
    return order ? [200, order] : notFound;
  });
  route('put', /^\/wp-json\/wc\/v3\/orders\/(\d+)$/, async (_request, match, body) => {
    const order = orders.get(Number(match[1]));
    if (!order) return notFound;
    for (const meta of body.meta_data ?? []) {
      const existing = order.meta_data.find((m: any) => m.key === meta.key);
      if (existing) existing.value = meta.value;
      else order.meta_data.push({ id: nextId++, key: meta.key, value: meta.value });
    }
    if (body.status) order.status = body.status;
    order.date_modified_gmt = tick();
    void deliver('order.updated', order);
    return [200, order];
  });
  route('get', /^\/wp-json\/wc\/v3\/orders\/(\d+)\/notes$/, (_request, match) => [
    200,
    notes.get(Number(match[1])) ?? [],
  ]);
  route('post', /^\/wp-json\/wc\/v3\/orders\/(\d+)\/notes$/, (_request, match, body) => {
    const list = notes.get(Number(match[1])) ?? [];
    const note = { id: nextId++, note: body.note, customer_note: Boolean(body.customer_note) };
    list.push(note);
    notes.set(Number(match[1]), list);
    return [201, note];
  });

  // --- Shipment Tracking ----------------------------------------------------------------------------
  if (options.tracking === 'shipment-tracking') {
    const path = /^\/wp-json\/wc-shipment-tracking\/v3\/orders\/(\d+)\/shipment-trackings$/;
    route('get', path, (_request, match) => [200, trackingItems.get(Number(match[1])) ?? []]);
    route('post', path, (_request, match, body) => {
      const items = trackingItems.get(Number(match[1])) ?? [];
      const item = {
        tracking_id: createHmac('md5', 'st').update(`${body.tracking_number}${items.length}`).digest('hex'),
        tracking_number: body.tracking_number,
        tracking_provider: body.custom_tracking_provider ?? body.tracking_provider,
      };
      items.push(item);
      trackingItems.set(Number(match[1]), items);
      return [201, item];
    });
  }

  // --- products and stock -------------------------------------------------------------------------
  route('get', /^\/wp-json\/wc\/v3\/products$/, (request) => {
    const skus = (new URL(request.url).searchParams.get('sku') ?? '').split(',');
    return [200, options.products.filter((p) => skus.includes(p.sku)).map(productBody)];
  });
  route('post', /^\/wp-json\/wc\/v3\/products(?:\/(\d+)\/variations)?\/batch$/, (_request, match, body) => {
    const parentId = match[1] ? Number(match[1]) : null;
    const update = (body.update ?? []).map((item: any) => {
      const product = options.products.find((p) => p.id === item.id && p.parentId === parentId);
      if (!product) {
        return {
          id: item.id,
          error: {
            code: 'woocommerce_rest_product_invalid_id',
            message: 'Invalid ID.',
            data: { status: 400 },
          },
        };
      }
      product.stock = item.stock_quantity;
      stockWrites.push({ sku: product.sku, quantity: item.stock_quantity });
      const updated = productBody(product);
      // Every stock write saves the product, which sends product.updated back to us: the echo.
      void deliver('product.updated', updated);
      return updated;
    });
    return [200, { update }];
  });

  return {
    webhooks,
    orders,
    notes,
    trackingItems,
    pings,
    deliveries,
    stockWrites,
    products: options.products,
    /** The next authenticated request (or the next write, with `writesOnly`) gets this answer. */
    answerNext(answer: {
      status: number;
      body: unknown;
      headers?: Record<string, string>;
      writesOnly?: boolean;
    }) {
      cannedAnswers.push({ headers: {}, writesOnly: false, ...answer });
    },
    /** Lets the next `after` webhook writes through, then refuses `times` of them with a 403. */
    refuseWebhookWrites(times: number, after = 0) {
      refusal.letThrough = after;
      refusal.refuse = times;
    },
    /** A paid order as checkout leaves it; returns it after delivering order.created (when a webhook is active). */
    async placeOrder(
      lines: { sku: string; productId: number; variationId?: number; quantity: number; price: string }[],
    ) {
      const id = nextId++;
      const now = tick();
      const order = {
        id,
        parent_id: 0,
        number: String(id),
        order_key: `wc_order_${id}`,
        created_via: 'checkout',
        status: 'processing',
        currency: 'EUR',
        date_created_gmt: now,
        date_modified_gmt: now,
        date_paid_gmt: now,
        total: lines.reduce((sum, l) => sum + Number(l.price) * l.quantity, 0).toFixed(2),
        customer_note: 'Bitte beim Nachbarn abgeben / leave with neighbour',
        billing: {
          first_name: 'Zoë',
          last_name: 'Müller',
          email: 'zoe@example.com',
          phone: '+48 12 345 67 89',
          address_1: 'ul. Floriańska 3',
          city: 'Kraków',
          postcode: '31-019',
          country: 'PL',
        },
        shipping: {
          first_name: 'Zoë',
          last_name: 'Müller',
          company: '',
          address_1: 'ul. Floriańska 3',
          address_2: '',
          city: 'Kraków',
          state: '',
          postcode: '31-019',
          country: 'PL',
          phone: '',
        },
        line_items: lines.map((line, i) => ({
          id: id * 10 + i,
          name: `Item &ndash; ${line.sku}`,
          product_id: line.productId,
          variation_id: line.variationId ?? 0,
          quantity: line.quantity,
          sku: line.sku,
          price: Number(line.price),
          subtotal: (Number(line.price) * line.quantity).toFixed(2),
          total: (Number(line.price) * line.quantity).toFixed(2),
        })),
        shipping_lines: [
          { id: id * 10 + 9, method_title: 'DHL Paket', method_id: 'flat_rate', total: '4.90' },
        ],
        meta_data: [],
      };
      orders.set(id, order);
      await deliver('order.created', order);
      return order;
    },
    /** Sends a delivery again, as WooCommerce does when an edit re-queues the same state. */
    deliver,
    /** A shop manager edits a product's stock in wp-admin. */
    async adminSetStock(sku: string, stock: number) {
      const product = options.products.find((p) => p.sku === sku)!;
      product.stock = stock;
      await deliver('product.updated', productBody(product));
    },
    /** What WooCommerce does after seven failed deliveries in a row. */
    disableWebhooks(topics: string[]) {
      for (const webhook of webhooks) if (topics.includes(webhook.topic)) webhook.status = 'disabled';
    },
    productBySku(sku: string) {
      return options.products.find((p) => p.sku === sku);
    },
  };
}

export type FakeWooStore = ReturnType<typeof createFakeWooStore>;
