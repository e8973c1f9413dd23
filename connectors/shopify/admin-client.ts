/**
 * Every Admin GraphQL call goes through here: a token good for the next minutes, a reservation in
 * the shop's cost bucket, the library's client, then a classified outcome. Throttling (THROTTLED
 * on HTTP 200, or a 429) becomes RetryableError with the time to come back, never a sleep.
 */
import {
  GraphqlQueryError,
  HttpRequestError,
  HttpResponseError,
  HttpRetriableError,
  HttpThrottlingError,
  Session,
} from '@shopify/shopify-api';
import { NeedsHumanError, RetryableError } from '../../src/sdk/index.ts';
import type { ShopifyContext } from './connection.ts';
import type { AdminOperation } from './graphql/operation.ts';
import { reserve, type ThrottleStatus, throttledRetryAfterMs } from './rate-limiter.ts';
import type { ShopifyLibrary } from './shopify-library.ts';
import { refreshCredentials, usableCredentials } from './token-refresh.ts';

/** A call that takes longer than this is abandoned and retried by the job. */
const CALL_TIMEOUT_MS = 30_000;

export interface AdminCallOptions {
  /** How long the call may wait for the shop's bucket in process (default: the limiter's). */
  maxWaitMs?: number;
}

export type AdminCall = <T>(
  context: ShopifyContext,
  operation: AdminOperation<T>,
  variables?: Record<string, unknown>,
  options?: AdminCallOptions,
) => Promise<T>;

interface GraphqlErrorBody {
  errors?: { graphQLErrors?: { message?: string; extensions?: { code?: string } }[] };
  extensions?: { cost?: { requestedQueryCost?: number; throttleStatus?: ThrottleStatus } };
}

export function createAdminCall(library: ShopifyLibrary): AdminCall {
  return async function adminCall<T>(
    context: ShopifyContext,
    operation: AdminOperation<T>,
    variables: Record<string, unknown> = {},
    options: AdminCallOptions = {},
  ): Promise<T> {
    // Page sizes the caller leaves out are the operation's usual ones.
    const sent = { ...operation.pageSizes, ...variables };
    try {
      return await send(library, context, operation, sent, false, options);
    } catch (error) {
      // A 401 means the token we hold is no longer valid (revoked, or refreshed elsewhere): one
      // refresh, one more try; a second 401 needs the merchant.
      if (!(error instanceof HttpResponseError) || error.response.code !== 401) throw error;
      return send(library, context, operation, sent, true, options);
    }
  };
}

async function send<T>(
  library: ShopifyLibrary,
  context: ShopifyContext,
  operation: AdminOperation<T>,
  variables: Record<string, unknown>,
  afterUnauthorized: boolean,
  options: AdminCallOptions,
): Promise<T> {
  const shop = context.externalAccount;
  const credentials = afterUnauthorized
    ? await refreshCredentials(context, library)
    : await usableCredentials(context, library);
  const cost = operation.costOf(variables);
  const reservation = await reserve(shop, cost, { operation: operation.name }, options.maxWaitMs);
  const session = new Session({
    id: `offline_${shop}`,
    shop,
    state: '',
    isOnline: false,
    accessToken: credentials.accessToken,
  });
  try {
    const client = new library.clients.Graphql({ session });
    const response = await client.request(operation.document, {
      variables,
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    reservation.release(throttleStatusOf(response));
    return operation.data.fromResponse(response.data, operation.name);
  } catch (error) {
    const body =
      error instanceof GraphqlQueryError ? (error.body as GraphqlErrorBody | undefined) : undefined;
    reservation.release(throttleStatusOf(body));
    throw classify(error, operation, cost, shop, body, afterUnauthorized);
  }
}

function throttleStatusOf(answer: unknown): ThrottleStatus | null {
  const status = (answer as GraphqlErrorBody | undefined)?.extensions?.cost?.throttleStatus;
  return status && typeof status.currentlyAvailable === 'number' ? status : null;
}

function classify(
  error: unknown,
  operation: AdminOperation<unknown>,
  cost: number,
  shop: string,
  body: GraphqlErrorBody | undefined,
  afterUnauthorized: boolean,
): unknown {
  const context = { shop, operation: operation.name };
  if (error instanceof GraphqlQueryError) {
    const problems = body?.errors?.graphQLErrors ?? [];
    const codes = problems.map((problem) => problem.extensions?.code ?? '');
    const message = problems.map((problem) => problem.message ?? '').join('; ') || error.message;
    if (codes.includes('THROTTLED')) {
      const requested = body?.extensions?.cost?.requestedQueryCost ?? cost;
      const status = throttleStatusOf(body);
      if (status && requested > status.maximumAvailable) {
        // Not a busy bucket but a small one: waiting cannot help unless the caller pages smaller
        // (or Shopify gives the shop a bigger bucket again), so it is told apart.
        return new RetryableError(
          'cost_exceeds_bucket',
          `${operation.name} costs ${requested} points but ${shop}'s API bucket holds only ${status.maximumAvailable}`,
          { ...context, requestedCost: requested, maximumAvailable: status.maximumAvailable },
          Math.max(1000, Math.ceil((status.maximumAvailable / Math.max(1, status.restoreRate)) * 1000)),
          { cause: error },
        );
      }
      const retryAfterMs = throttledRetryAfterMs(requested, status);
      return new RetryableError('throttled', `Shopify throttled ${operation.name}`, context, retryAfterMs, {
        cause: error,
      });
    }
    if (codes.some((code) => ['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE', 'TIMEOUT'].includes(code))) {
      return new RetryableError('shopify_unavailable', `${operation.name}: ${message}`, context, null, {
        cause: error,
      });
    }
    if (codes.includes('ACCESS_DENIED')) {
      return new NeedsHumanError(
        'access_denied',
        `${operation.name} was denied (${message}): the app lacks a scope or the user a permission`,
        context,
        { cause: error },
      );
    }
    // A document the API refuses will be refused again: a bug or an API change, shown to a person.
    return new NeedsHumanError(
      'graphql_rejected',
      `${operation.name}: ${message}`,
      { ...context, codes },
      { cause: error },
    );
  }
  if (error instanceof HttpThrottlingError) {
    const seconds = error.response.retryAfter;
    const retryAfterMs =
      seconds !== undefined && Number.isFinite(seconds) ? Math.max(250, seconds * 1000) : 1000;
    return new RetryableError(
      'throttled',
      `Shopify answered 429 to ${operation.name}`,
      context,
      retryAfterMs,
      {
        cause: error,
      },
    );
  }
  if (error instanceof HttpRetriableError) {
    return new RetryableError('shopify_unavailable', `${operation.name}: ${error.message}`, context, null, {
      cause: error,
    });
  }
  if (error instanceof HttpResponseError) {
    const status = error.response.code;
    if (status === 401 && afterUnauthorized) {
      return new NeedsHumanError(
        'credentials_rejected',
        `Shopify rejected the access token for ${shop} even after a refresh: open the app from the Shopify admin to reconnect`,
        { ...context, status },
        { cause: error },
      );
    }
    if (status === 401) return error;
    // 402 (shop frozen for payment), 403, 404 (shop gone), 423 (shop locked): a person must look.
    return new NeedsHumanError(
      'shop_unavailable',
      `${operation.name} answered ${status}`,
      { ...context, status },
      {
        cause: error,
      },
    );
  }
  if (error instanceof HttpRequestError || isAbort(error)) {
    return new RetryableError(
      'network_error',
      `${operation.name}: ${(error as Error).message}`,
      context,
      null,
      {
        cause: error,
      },
    );
  }
  return error;
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}
