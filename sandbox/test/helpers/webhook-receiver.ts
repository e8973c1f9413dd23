/**
 * A stand-in for the hub's webhook endpoint: records each delivery's headers and exact body bytes,
 * and answers with whatever status a test queues (200 by default).
 */
import Fastify from 'fastify';
import type { InboundRequest } from '../../../src/sdk/index.ts';

export interface WebhookReceiver {
  url: string;
  received: InboundRequest[];
  /** The next deliveries are answered with these statuses, in order. */
  answerNext(...statuses: number[]): void;
  /** Resolves with the first delivery (already received or still to come) that matches. */
  waitFor(match: (delivery: InboundRequest) => boolean, timeoutMs?: number): Promise<InboundRequest>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const app = Fastify();
  // Keep the bytes as they arrived: signatures are over them, not over parsed-and-reserialized JSON.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );
  const received: InboundRequest[] = [];
  const queued: number[] = [];

  app.post('/webhooks', async (request, reply) => {
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    received.push({ headers, rawBody: request.body as Buffer });
    const status = queued.shift() ?? 200;
    return reply.code(status).send({ ok: status < 300 });
  });

  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: `${baseUrl}/webhooks`,
    received,
    answerNext: (...statuses) => queued.push(...statuses),
    async waitFor(match, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching webhook within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: () => app.close(),
  };
}

export function topicOf(delivery: InboundRequest): string | undefined {
  return delivery.headers['x-sandbox-topic'];
}
