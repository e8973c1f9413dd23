import { Type } from 'typebox';
import type { ReconcileReport } from '../../pipeline/reconcile/reconcile.ts';
import type { connectionQueries } from '../../queries/connections.ts';
import {
  DateTime,
  JsonObject,
  Nullable,
  NullableDateTime,
  NullableInteger,
  NullableString,
} from './schema-kit.ts';

/** The shapes of the connection and merchant routes, and the reconcile report's view. */

export const connectionSchema = Type.Object({
  id: Type.String(),
  merchantId: Type.String(),
  connector: Type.String(),
  role: Type.Enum(['storefront', 'fulfillment'] as const),
  externalAccount: Type.String(),
  settings: JsonObject,
  status: Type.Enum(['active', 'disabled', 'uninstalled'] as const),
  webhookUrl: Type.String(),
  createdAt: DateTime,
});

export const locationSchema = Type.Object({
  id: Type.String({ description: 'The 3PL’s location key, as its stock levels carry it' }),
  name: NullableString,
  address: Type.Object(
    {
      countryCode: NullableString,
      region: NullableString,
      postalCode: NullableString,
    },
    { description: 'Null parts: not known (a location seen only in a stock count has none)' },
  ),
  coordinates: Nullable(Type.Object({ latitude: Type.Number(), longitude: Type.Number() })),
  stock: Type.Array(
    Type.Object({
      sku: Type.String(),
      available: Type.Integer({ description: 'What the 3PL says it can ship from here' }),
      routed: Type.Integer({
        description:
          'Units the hub routed here that the 3PL has not allocated yet (shipments pending or submitted)',
      }),
      availableToPromise: Type.Integer({ description: 'available − routed; negative when oversold' }),
      asOf: NullableDateTime,
    }),
  ),
});

export type LocationRow = Awaited<ReturnType<ReturnType<typeof connectionQueries>['locations']>>[number];

export function locationView(row: LocationRow) {
  return {
    id: row.location,
    name: row.name,
    address: { countryCode: row.country_code, region: row.region, postalCode: row.postal_code },
    coordinates:
      row.latitude !== null && row.longitude !== null
        ? { latitude: row.latitude, longitude: row.longitude }
        : null,
    stock: row.stock.map((level) => ({
      sku: level.sku,
      available: level.fulfillable,
      routed: level.routed,
      availableToPromise: level.atp,
      asOf: level.asOf ? new Date(level.asOf).toISOString() : null,
    })),
  };
}

const webhookStatusSchema = Type.Object({
  topic: Type.String(),
  status: Type.String(),
  repaired: Type.Optional(Type.String()),
});
const tokenSchema = Nullable(
  Type.Object(
    { expiresAt: NullableDateTime, refreshExpiresAt: NullableDateTime },
    { description: 'When the credentials stop working unless renewed, where the connector knows' },
  ),
);
const trigger = Type.Enum(['job', 'api'] as const);
const outcome = Type.Enum(['completed', 'failed'] as const);

export const healthSchema = Type.Object({
  lastDelivery: Nullable(
    Type.Object(
      {
        id: Type.String(),
        topic: NullableString,
        source: Type.String(),
        status: Type.String(),
        receivedAt: DateTime,
      },
      { description: 'The newest delivery received on this connection (webhook or poll)' },
    ),
  ),
  failedDeliveries: Type.Integer({
    description: 'Deliveries failed or dead (see GET /api/deliveries?connectionId=…&status=dead)',
  }),
  reconciling: Type.Boolean({ description: 'A reconciliation is running now' }),
  lastReconciliation: Nullable(
    Type.Object({
      // Null never in practice: the row is shown only once it has a time (a nullable read).
      at: NullableDateTime,
      trigger: Nullable(trigger),
      outcome,
      durationMs: NullableInteger,
      polled: NullableInteger,
      recorded: NullableInteger,
      recovered: Type.Record(Type.String(), Type.Integer(), {
        description: 'Events the hub did not know, by type',
      }),
      error: NullableString,
    }),
  ),
  platform: Nullable(
    Type.Object(
      {
        checkedAt: NullableDateTime,
        healthy: Nullable(Type.Boolean()),
        repaired: Type.Array(Type.String()),
        webhooks: Nullable(Type.Array(webhookStatusSchema)),
        token: tokenSchema,
      },
      { description: 'What the connector’s health check found at the platform, at the last reconciliation' },
    ),
  ),
  lastStockPublication: Nullable(
    Type.Object({
      at: NullableDateTime,
      outcome: Type.Enum(['published', 'partial', 'failed'] as const),
      skus: NullableInteger,
      failed: NullableInteger,
      error: NullableString,
    }),
  ),
  stockFailures: Type.Array(
    Type.Object({
      sku: Type.String(),
      available: Type.Integer(),
      code: Type.String(),
      message: Type.String(),
      failedAt: DateTime,
    }),
    {
      description:
        'SKUs the storefront refused, until one is published again (sent again with each publication)',
    },
  ),
});

export const reconcileReportSchema = Type.Object({
  connectionId: Type.String(),
  trigger,
  outcome,
  startedAt: DateTime,
  finishedAt: DateTime,
  durationMs: Type.Integer(),
  health: Nullable(
    Type.Object(
      {
        healthy: Type.Boolean(),
        repaired: Type.Array(Type.String()),
        catchUp: Type.Boolean(),
        webhooks: Nullable(Type.Array(webhookStatusSchema)),
        token: tokenSchema,
      },
      { description: 'The connector’s health check; null when it has none' },
    ),
  ),
  polled: Type.Integer({ description: 'Events the platform reported since the cursor' }),
  recorded: Type.Integer({ description: 'Of those, new deliveries queued to be applied' }),
  recovered: Type.Record(Type.String(), Type.Integer(), {
    description: 'Of those, events the hub did not know, by type',
  }),
  cursor: Type.Object({ before: NullableString, after: NullableString }),
  error: Nullable(Type.Object({ code: Type.String(), message: Type.String() })),
});

export function reportView(report: ReconcileReport) {
  return {
    connectionId: report.connectionId,
    trigger: report.trigger,
    outcome: report.outcome,
    startedAt: report.startedAt.toISOString(),
    finishedAt: report.finishedAt.toISOString(),
    durationMs: report.finishedAt.getTime() - report.startedAt.getTime(),
    health: report.health
      ? {
          healthy: report.health.healthy,
          repaired: report.health.repaired,
          catchUp: report.health.catchUp,
          webhooks: report.health.webhooks ?? null,
          token: report.health.token ?? null,
        }
      : null,
    polled: report.polled,
    recorded: report.recorded,
    recovered: report.recovered,
    cursor: report.cursor,
    error: report.error,
  };
}

export const merchantSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  defaultFulfillmentConnectionId: NullableString,
});
