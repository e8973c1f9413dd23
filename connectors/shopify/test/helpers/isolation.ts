/** Each test starts with no network, no cached tokens and empty cost buckets. */
import nock from 'nock';
import { afterEach, beforeEach } from 'vitest';
import { forgetBuckets } from '../../rate-limiter.ts';
import { forgetCredentials } from '../../token-refresh.ts';

export function isolateShopify(): void {
  beforeEach(() => {
    nock.disableNetConnect();
    forgetBuckets();
    forgetCredentials();
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
}
