import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Hub } from '../../pipeline/hub.ts';
import { orderQueries } from '../../queries/orders.ts';
import type { MerchantScope } from '../scope.ts';

/** How often each connected page's orders are read again. */
export const LIVE_POLL_MS = 1_000;
/** A comment line this often keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;
/** The newest orders watched per client: what the first page of the list shows. */
const WATCHED = 50;

/**
 * Server-sent events for the dashboard (`GET /dashboard/events`): every second, per connected
 * client, the newest orders its scope may see are read through the orders query module (the same
 * tenant check as every page), and an `orders` event names the ones that appeared or changed state
 * since the last read. Polling rather than LISTEN/NOTIFY: it works the same on PGlite and
 * PostgreSQL, needs no trigger, and one indexed query per client per second is cheap at ops-team
 * scale.
 */
export function liveEvents(app: FastifyInstance, hub: Hub) {
  const orders = orderQueries(hub.db);
  const open = new Set<() => void>();
  // A stream never ends by itself; the hub's shutdown must not wait for the browser to leave.
  app.addHook('preClose', async () => {
    for (const close of open) close();
  });

  return (scope: MerchantScope, reply: FastifyReply) => {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
    });
    raw.write('retry: 2000\n\n');
    let seen: Map<string, string> | null = null;
    let reading = false;
    const read = async () => {
      if (reading) return;
      reading = true;
      try {
        const { page } = await orders.list(scope, { limit: WATCHED });
        const now = new Map(page.map((o) => [o.id, `${o.status}|${o.updated_at.toISOString()}`]));
        if (seen) {
          const changed = page
            .filter((o) => seen?.get(o.id) !== now.get(o.id))
            .map((o) => ({ id: o.id, status: o.status }));
          if (changed.length) raw.write(`event: orders\ndata: ${JSON.stringify(changed)}\n\n`);
        }
        seen = now;
      } catch (error) {
        hub.log.warn({ err: error }, 'dashboard live read failed');
      } finally {
        reading = false;
      }
    };
    void read();
    const poll = setInterval(() => void read(), LIVE_POLL_MS);
    const keepalive = setInterval(() => raw.write(': keepalive\n\n'), KEEPALIVE_MS);
    const close = () => {
      clearInterval(poll);
      clearInterval(keepalive);
      open.delete(close);
      raw.end();
    };
    open.add(close);
    raw.on('close', close);
  };
}
