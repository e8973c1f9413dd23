import { type TSchema, type TSchemaOptions, Type } from 'typebox';

/**
 * Small builders for the admin API's TypeBox schemas. Each schema is the one source of a route's
 * shape: fastify validates and serializes with it (as JSON Schema), and the TypeBox type provider
 * types the handler from it, so no route writes its shape twice.
 */

/** A value or null. */
export const Nullable = <T extends TSchema>(schema: T, options?: TSchemaOptions) =>
  Type.Union([schema, Type.Null()], options);

export const NullableString = Nullable(Type.String());
export const NullableInteger = Nullable(Type.Integer());
export const DateTime = Type.String({ format: 'date-time' });
export const NullableDateTime = Nullable(DateTime);
export const Uuid = Type.String({ format: 'uuid' });
/** Free-form JSON kept as it is (details, addresses, settings). */
export const JsonObject = Type.Record(Type.String(), Type.Unknown());

/** `:id` path parameters. */
export const IdParams = Type.Object({ id: Uuid });
