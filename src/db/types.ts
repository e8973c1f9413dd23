// One file on purpose (over 300 lines): it is the database's schema as Kysely sees it, table by
// table, and reads best as a single reference next to the migrations.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { OrderState, ShipmentState } from '../domain/order-state.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | T, string | T>;
/** A JSON column with a database default: optional on insert. */
type JsonWithDefault<T> = ColumnType<T, string | T | undefined, string | T>;
// bigint columns come back as strings from pg; amounts stay far below 2^53, so numbers are read back.
type BigIntColumn = ColumnType<string | number, number, number>;

export interface MerchantsTable {
  id: Generated<string>;
  name: string;
  default_fulfillment_connection_id: string | null;
  // The same three as routing's UNIDENTIFIED_LINE_POLICIES (the db layer imports only the domain).
  unidentified_line_policy: Generated<'hold' | 'ship_rest' | 'skip'>;
  created_at: Generated<Date>;
}

export interface ConnectionsTable {
  id: Generated<string>;
  merchant_id: string;
  connector: string;
  role: 'storefront' | 'fulfillment';
  external_account: string;
  settings: Json<Record<string, unknown>>;
  credentials_encrypted: string;
  status: Generated<'active' | 'disabled' | 'uninstalled'>;
  poll_cursor: string | null;
  state: JsonWithDefault<Record<string, unknown>>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type DeliveryStatus =
  | 'received'
  | 'processed'
  | 'failed'
  | 'dead'
  | 'duplicate'
  | 'rejected'
  | 'ignored';

export interface DeliveriesTable {
  id: Generated<string>;
  merchant_id: string | null;
  connection_id: string | null;
  connector: string;
  source: Generated<'webhook' | 'poll'>;
  topic: string | null;
  dedupe_key: string | null;
  serial_key: string | null;
  duplicate_of: string | null;
  headers: Json<Record<string, string>>;
  /** The route sub-path the platform called, handed back to the connector when applying. */
  sub_path: string | null;
  body: Uint8Array | null;
  body_size: number;
  status: DeliveryStatus;
  http_status: number;
  reject_reason: string | null;
  attempts: Generated<number>;
  last_error: string | null;
  received_at: Generated<Date>;
  processed_at: Timestamp | null;
  body_erased_at: Timestamp | null;
  body_erased_reason: BodyErasedReason | null;
}

export type BodyErasedReason = 'retention' | 'customer_redact' | 'account_redact';

export interface OrdersTable {
  id: Generated<string>;
  merchant_id: string;
  storefront_connection_id: string;
  source_order_id: string;
  source_order_name: string;
  source_updated_at: Timestamp;
  status: OrderState;
  status_reason: string | null;
  status_detail: Json<Record<string, unknown>> | null;
  ready_to_fulfill: boolean;
  cancelled: Generated<boolean>;
  currency: string;
  total_minor: BigIntColumn;
  email: string | null;
  shipping_address: Json<Record<string, unknown>> | null;
  shipping_method: string | null;
  tags: Json<string[]>;
  note: string | null;
  test: boolean;
  placed_at: Timestamp;
  source_data: JsonWithDefault<Record<string, unknown>>;
  routing_answer: string | null;
  cancellation_requested: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface OrderLinesTable {
  id: Generated<string>;
  order_id: string;
  merchant_id: string;
  source_line_id: string;
  sku: string | null;
  name: string;
  quantity: number;
  unit_price_minor: BigIntColumn;
  requires_shipping: boolean;
  source_product_id: string | null;
  source_variant_id: string | null;
  /** Why a line is in no shipment (see migration 0004); null when routed normally or not yet. */
  disposition: 'held' | 'skipped' | 'excluded' | 'do_not_ship' | null;
  disposition_detail: Json<Record<string, unknown>> | null;
}

export interface SkuMapTable {
  id: Generated<string>;
  merchant_id: string;
  kind: 'sku' | 'product' | 'variant';
  storefront_connection_id: string | null;
  key: string;
  action: 'map' | 'do_not_ship';
  fulfillment_sku: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ShipmentsTable {
  id: Generated<string>;
  merchant_id: string;
  order_id: string;
  fulfillment_connection_id: string;
  status: ShipmentState;
  status_reason: string | null;
  external_id: string | null;
  data: Json<Record<string, unknown>>;
  carrier: string | null;
  tracking_number: string | null;
  tracking_url: string | null;
  shipped_at: Timestamp | null;
  last_event_at: Timestamp | null;
  tracking_written_number: string | null;
  tracking_external_id: string | null;
  claimed_until: Timestamp | null;
  /** The 3PL location the shipment was routed to (migration 0011); null when not routed to one. */
  location: Generated<string | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ShipmentLinesTable {
  shipment_id: string;
  order_line_id: string;
  merchant_id: string;
  sku: string;
  quantity: number;
}

/** What a remote id names: a 3PL's order for our shipment, or a storefront's fulfillment. */
export type ExternalEntity = 'shipment' | 'fulfillment';

export interface ExternalIdsTable {
  merchant_id: string;
  connection_id: string;
  entity: ExternalEntity;
  external_id: string;
  hub_id: string;
  created_at: Generated<Date>;
}

export interface StockLevelsTable {
  merchant_id: string;
  connection_id: string;
  location: string;
  sku: string;
  available: number;
  as_of: Timestamp;
  updated_at: Generated<Date>;
}

/** A 3PL connection's warehouse (migration 0011), keyed by the 3PL's own location key. */
export interface LocationsTable {
  merchant_id: string;
  connection_id: string;
  location: string;
  name: string | null;
  country_code: string | null;
  region: string | null;
  postal_code: string | null;
  latitude: number | null;
  longitude: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface StockPublicationsTable {
  merchant_id: string;
  connection_id: string;
  sku: string;
  available: number;
  published_at: Generated<Date>;
}

export interface OrderEventsTable {
  id: Generated<string>;
  merchant_id: string;
  order_id: string;
  type: string;
  detail: Json<Record<string, unknown>>;
  created_at: Generated<Date>;
}

export interface InstallNoncesTable {
  nonce: string;
  connector: string;
  data: Json<Record<string, unknown>>;
  expires_at: Timestamp;
  created_at: Generated<Date>;
}

export interface PrivacyRequestsTable {
  id: Generated<string>;
  merchant_id: string;
  connection_id: string | null;
  kind: 'customer.redact' | 'customer.data_request' | 'account.redact';
  request_id: string | null;
  subject: Json<Record<string, unknown>>;
  result: Json<Record<string, unknown>>;
  created_at: Generated<Date>;
}

export interface DeferredOperationsTable {
  queue: string;
  subject: string;
  deferrals: Generated<number>;
  code: string;
  reason: string;
  first_deferred_at: Generated<Date>;
  last_deferred_at: Generated<Date>;
  stuck_at: Timestamp | null;
  dead_lettered_at: Timestamp | null;
}

/** The latest word on a connection's health (migration 0007): reconciliation, platform, stock. */
export interface ConnectionHealthTable {
  connection_id: string;
  merchant_id: string;
  reconcile_claimed_until: Timestamp | null;
  reconciled_at: Timestamp | null;
  reconcile_trigger: 'job' | 'api' | null;
  reconcile_outcome: 'completed' | 'failed' | null;
  reconcile_ms: number | null;
  reconcile_polled: number | null;
  reconcile_recorded: number | null;
  reconcile_recovered: JsonWithDefault<Record<string, number>>;
  reconcile_error: string | null;
  health_checked_at: Timestamp | null;
  healthy: boolean | null;
  repaired: JsonWithDefault<string[]>;
  platform_webhooks: Json<{ topic: string; status: string; repaired?: string }[]> | null;
  platform_token: Json<{ expiresAt: string | null; refreshExpiresAt: string | null }> | null;
  published_at: Timestamp | null;
  publish_outcome: 'published' | 'partial' | 'failed' | null;
  publish_skus: number | null;
  publish_failed: number | null;
  publish_error: string | null;
}

export interface StockPublicationFailuresTable {
  connection_id: string;
  sku: string;
  merchant_id: string;
  /** The quantity the storefront refused. */
  available: number;
  code: string;
  message: string;
  failed_at: Generated<Date>;
}

export type OutboundCallStatus = 'ok' | 'retryable' | 'needs_human' | 'error';

/** One call to a storefront or 3PL API (migration 0008), written by the role's port. */
export interface OutboundCallsTable {
  id: Generated<string>;
  merchant_id: string;
  connection_id: string;
  connector: string;
  /** The contract method called: `submitShipment`, `writeTracking`, … */
  operation: string;
  order_id: string | null;
  shipment_id: string | null;
  idempotency_key: string | null;
  status: OutboundCallStatus;
  http_status: number | null;
  duration_ms: number;
  /** Our error code and message, cut short; never the remote body. */
  error: string | null;
  created_at: Generated<Date>;
}

export type UserRole = 'operator' | 'merchant_member';

export interface UsersTable {
  id: Generated<string>;
  email: string;
  role: UserRole;
  merchant_id: string | null;
  password_hash: string;
  created_at: Generated<Date>;
}

export interface SessionsTable {
  id: string;
  user_id: string | null;
  data: Json<Record<string, unknown>>;
  expires_at: Timestamp;
}

export interface ApiKeysTable {
  id: Generated<string>;
  merchant_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  created_by: string | null;
  created_at: Generated<Date>;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/** One immutable version of a merchant's routing rules (a RuleSetDefinition in `rules`). */
export interface RoutingRuleSetsTable {
  merchant_id: string;
  version: number;
  rules: Json<Record<string, unknown>>;
  created_at: Generated<Date>;
  created_by: string | null;
}

/** One routing decision for an order (a RoutingDecision in `decision`). */
export interface RoutingDecisionsTable {
  id: Generated<string>;
  order_id: string;
  merchant_id: string;
  rule_set_version: number | null;
  decision: Json<Record<string, unknown>>;
  created_at: Generated<Date>;
}

/** A hold on an order before it is sent, by a routing rule or a person (see migration 0014). */
export interface OrderHoldsTable {
  id: Generated<string>;
  merchant_id: string;
  order_id: string;
  rule_id: string | null;
  reason: string;
  note: string | null;
  scope: 'order' | 'lines';
  line_ids: JsonWithDefault<string[]>;
  until: Date | null;
  created_by: string;
  created_at: Generated<Date>;
  released_at: Date | null;
  released_by: string | null;
  release_note: string | null;
}

export interface Database {
  order_holds: OrderHoldsTable;
  routing_rule_sets: RoutingRuleSetsTable;
  routing_decisions: RoutingDecisionsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  outbound_calls: OutboundCallsTable;
  connection_health: ConnectionHealthTable;
  stock_publication_failures: StockPublicationFailuresTable;
  install_nonces: InstallNoncesTable;
  privacy_requests: PrivacyRequestsTable;
  merchants: MerchantsTable;
  connections: ConnectionsTable;
  deliveries: DeliveriesTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  shipments: ShipmentsTable;
  shipment_lines: ShipmentLinesTable;
  external_ids: ExternalIdsTable;
  stock_levels: StockLevelsTable;
  locations: LocationsTable;
  stock_publications: StockPublicationsTable;
  order_events: OrderEventsTable;
  sku_map: SkuMapTable;
  deferred_operations: DeferredOperationsTable;
}

export type Connection = Selectable<ConnectionsTable>;
export type Delivery = Selectable<DeliveriesTable>;
export type NewDelivery = Insertable<DeliveriesTable>;
export type Order = Selectable<OrdersTable>;
export type OrderLine = Selectable<OrderLinesTable>;
export type Shipment = Selectable<ShipmentsTable>;
export type OutboundCall = Selectable<OutboundCallsTable>;
export type ShipmentUpdate = Updateable<ShipmentsTable>;
