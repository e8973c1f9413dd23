import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics.ts';

export async function metricsRoutes(app: FastifyInstance, { metrics }: { metrics: Metrics }) {
  app.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics', tags: ['health'] } },
    async (_request, reply) => {
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );
}
