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

export type AdminCall = <T>(
  context: ShopifyContext,
  operation: AdminOperation<T>,
  variables?: Record<string, unknown>,
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
  ): Promise<T> {
    try {
      return await send(library, context, operation, variables, false);
    } catch (error) {
      // A 401 means the token we hold is no longer valid (revoked, or refreshed elsewhere): one
      // refresh, one more try; a second 401 needs the merchant.
      if (!(error instanceof HttpResponseError) || error.response.code !== 401) throw error;
      return send(library, context, operation, variables, true);
    }
  };
}

async function send<T>(
  library: ShopifyLibrary,
  context: ShopifyContext,
  operation: AdminOperation<T>,
  variables: Record<string, unknown>,
  afterUnauthorized: boolean,
): Promise<T> {
  const shop = context.externalAccount;
  const credentials = afterUnauthorized
    ? await refreshCredentials(context, library)
    : await usableCredentials(context, library);
  const reservation = await reserve(shop, operation.cost, { operation: operation.name });
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
    throw classify(error, operation, shop, body, afterUnauthorized);
  }
}

function throttleStatusOf(answer: unknown): ThrottleStatus | null {
  const status = (answer as GraphqlErrorBody | undefined)?.extensions?.cost?.throttleStatus;
  return status && typeof status.currentlyAvailable === 'number' ? status : null;
}

function classify(
  error: unknown,
  operation: AdminOperation<unknown>,
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
      const requested = body?.extensions?.cost?.requestedQueryCost ?? operation.cost;
      const retryAfterMs = throttledRetryAfterMs(requested, throttleStatusOf(body));
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
