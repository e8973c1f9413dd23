/** The ceiling: a bare Fastify answering 200 to a JSON POST, on this machine, in its own process. */
import Fastify from 'fastify';
import { serveParent } from './lib/child-processes.ts';

const app = Fastify({ logger: false });
app.post('/webhook', async () => ({ ok: true }));
const address = await app.listen({ host: '127.0.0.1', port: 0 });
serveParent({}, () => app.close());
process.send?.({ url: address });
