/** HTTP load from the benchmark's own process (autocannon), and what is read off its result. */
import autocannon from 'autocannon';

export interface LoadResult {
  rate: number;
  p50: number;
  p99: number;
  acknowledged: number;
  non2xx: number;
  errors: number;
  seconds: number;
}

export async function runLoad(title: string, options: autocannon.Options): Promise<LoadResult> {
  process.stderr.write(`  load: ${title}…\n`);
  const result = await autocannon(options);
  return {
    rate: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    acknowledged: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    seconds: result.duration,
  };
}
