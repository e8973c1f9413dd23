import type { FastifyRequest } from 'fastify';

/**
 * Whose data a request may see. An operator sees every merchant; a merchant member or a merchant's
 * API key sees one. Every query module takes a scope, so a route cannot forget the tenant check: a row
 * of another merchant is simply not found (404), never "forbidden", which would confirm it exists.
 */
export type MerchantScope = { kind: 'operator' } | { kind: 'merchant'; merchantId: string };

export const OPERATOR_SCOPE: MerchantScope = { kind: 'operator' };

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the API's authentication hook; an unauthenticated request never reaches a route. */
    scope?: MerchantScope;
  }
}

/**
 * The scope the authentication hook gave this request (the operator token gives the operator scope).
 * Fails closed: a route reached without authentication is a bug, answered 500, never all merchants.
 */
export function scopeOf(request: FastifyRequest): MerchantScope {
  if (!request.scope) throw new Error('request reached an admin route without an authenticated scope');
  return request.scope;
}

/** The merchant a scope is limited to, or null when it sees all of them. */
export function scopedMerchant(scope: MerchantScope): string | null {
  return scope.kind === 'merchant' ? scope.merchantId : null;
}

/** Who made a change, for audit columns: `user:<id>`, `api_key` or `operator_token`. */
export function actorOf(request: FastifyRequest): string | null {
  return request.userId ? `user:${request.userId}` : (request.authenticatedBy ?? null);
}
