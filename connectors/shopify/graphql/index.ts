/** Every Admin GraphQL operation the connector sends: the tests validate each against the pinned schema. */
import * as fulfillmentOrders from './fulfillment-orders.ts';
import * as fulfillments from './fulfillments.ts';
import * as inventory from './inventory.ts';
import type { AdminOperation } from './operation.ts';
import * as orders from './orders.ts';
import * as setup from './setup.ts';

export const ALL_OPERATIONS: AdminOperation<unknown>[] = [
  fulfillmentOrders,
  fulfillments,
  inventory,
  orders,
  setup,
]
  .flatMap((module) => Object.values(module))
  .filter(
    (value): value is AdminOperation<unknown> =>
      typeof value === 'object' && value !== null && 'document' in value && 'cost' in value,
  );
