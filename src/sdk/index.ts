export { decimalToMinor, minorToDecimal } from '../domain/money.ts';
export { canonicalEventProblem, canonicalEventSchema } from './canonical-schema.ts';
export * from './checked-events.ts';
export * from './contracts.ts';
export * from './errors.ts';
export * from './http-client.ts';
export * from './payload.ts';
export * from './signature.ts';
export * from './standard-webhooks.ts';
