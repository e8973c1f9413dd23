/**
 * Reading ShipBob's stock per fulfillment centre and the centres themselves. The stock list pages
 * with a `next` link in the body (`Inventory.InventoryQuantityFcResponsePagedResponse`), followed
 * until there is none.
 */
import type { StockLevel } from '../../src/sdk/index.ts';
import { unexpectedResponse } from './api-errors.ts';
import type { ShipBobClient } from './client.ts';
import { type FulfillmentLocation, locationOf } from './map-location.ts';
import { stockLevels } from './map-stock.ts';
import { fulfillmentCenters, inventoryPage } from './payloads.ts';

/** 250 items a page × 400 pages: 100,000 SKUs before the reader gives up on a runaway list. */
const PAGE_SIZE = 250;
const MAX_PAGES = 400;

export async function readStock(client: ShipBobClient): Promise<StockLevel[]> {
  const levels: StockLevel[] = [];
  let response = await client.request({
    method: 'GET',
    path: 'inventory-level/locations',
    // Inactive items still hold stock that was counted; digital ones never ship.
    query: { PageSize: PAGE_SIZE, IsDigital: false },
  });
  for (let page = 1; ; page += 1) {
    if (response.status !== 200)
      throw unexpectedResponse('GET /inventory-level/locations', response, 'stock_refused');
    const body = inventoryPage.fromResponse(response.body, 'GET /inventory-level/locations');
    levels.push(...stockLevels(body.items ?? []));
    if (!body.next || page >= MAX_PAGES || (body.items ?? []).length === 0) return levels;
    response = await client.follow(body.next);
  }
}

export async function readLocations(client: ShipBobClient): Promise<FulfillmentLocation[]> {
  const response = await client.request({ method: 'GET', path: 'fulfillment-center' });
  if (response.status !== 200)
    throw unexpectedResponse('GET /fulfillment-center', response, 'locations_refused');
  return fulfillmentCenters.fromResponse(response.body, 'GET /fulfillment-center').map(locationOf);
}
