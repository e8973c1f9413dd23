/**
 * The HTTP plumbing both simulators share: bearer authentication, JSON errors in the simulators'
 * `{error}` style, strict body validation, and reading list-endpoint query strings.
 */
import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';

export function createSimulatorServer(apiKey: string): FastifyInstance {
  const app = Fastify({
    logger: false,
    // Fastify validates bodies with ajv; by default it also coerces types and strips unknown
    // properties, which would hide client bugs ("2" accepted as 2). A remote API is stricter.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true } },
  });
  const expected = Buffer.from(`Bearer ${apiKey}`);

  app.addHook('onRequest', async (request, reply) => {
    const received = Buffer.from(request.headers.authorization ?? '');
    if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
      return reply.code(401).send({ error: 'unauthorized' });
    }
  });

  app.setErrorHandler(
    (error: { validation?: unknown; statusCode?: number; message: string }, _request, reply) => {
      if (error.validation) return reply.code(400).send({ error: 'invalid_request', message: error.message });
      const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
      return reply
        .code(status)
        .send({ error: status >= 500 ? 'internal_error' : 'bad_request', message: error.message });
    },
  );

  return app;
}

/** A canned answer for the next API request, whatever it asks (a throttle, a validation refusal). */
export interface CannedAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * Lets a test make the next authenticated request fail the way the platform would, without a knob
 * per endpoint: the answers queued are given in order, one per request, before any route runs.
 */
export function cannedAnswers(app: FastifyInstance): (answer: CannedAnswer) => void {
  const queue: CannedAnswer[] = [];
  app.addHook('preHandler', async (_request, reply) => {
    const next = queue.shift();
    if (next)
      return reply
        .code(next.status)
        .headers(next.headers ?? {})
        .send(next.body);
  });
  return (answer) => {
    queue.push(answer);
  };
}

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 250;

export interface PageQuery {
  /** Epoch milliseconds; records updated strictly after it are returned. */
  updatedSince: number | null;
  limit: number;
}

/**
 * Reads `updated_since` and `limit`. A limit above the maximum is refused rather than silently
 * capped: a client asking for 1000 and receiving 250 would take the short page as the last one.
 */
export function readPageQuery(query: unknown): PageQuery | { error: string } {
  const { updated_since: since, limit } = (query ?? {}) as Record<string, string | undefined>;
  let updatedSince: number | null = null;
  if (since !== undefined) {
    updatedSince = Date.parse(since);
    if (Number.isNaN(updatedSince)) return { error: 'updated_since must be an ISO 8601 timestamp' };
  }
  if (limit === undefined) return { updatedSince, limit: DEFAULT_PAGE_LIMIT };
  const parsed = Number(limit);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > MAX_PAGE_LIMIT) {
    return { error: `limit must be an integer from 1 to ${MAX_PAGE_LIMIT}` };
  }
  return { updatedSince, limit: parsed };
}

/** Records updated strictly after the cursor, oldest change first, at most `limit` of them. */
export function pageByUpdatedAt<T extends { updated_at: string }>(
  records: Iterable<T>,
  page: PageQuery,
): T[] {
  return [...records]
    .filter((record) => page.updatedSince === null || Date.parse(record.updated_at) > page.updatedSince)
    .sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at))
    .slice(0, page.limit);
}
