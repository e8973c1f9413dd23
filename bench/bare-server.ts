/** The baseline: a bare Fastify answering 200 to a JSON POST, on this machine, in its own process. */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/webhook', async () => ({ ok: true }));
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.send?.({ url: address });
process.on('message', async (message) => {
  if (message === 'stop') {
    await app.close();
    process.exit(0);
  }
});
