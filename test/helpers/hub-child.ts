/** A hub in its own process, for tests that kill one mid-flight. Prints its URL once it listens. */
import { loadConfig } from '../../src/config.ts';
import { startHub } from '../../src/start-hub.ts';

const running = await startHub(loadConfig());
process.stdout.write(`${JSON.stringify({ url: running.url })}\n`);
process.on('SIGTERM', async () => {
  await running.stop();
  process.exit(0);
});
