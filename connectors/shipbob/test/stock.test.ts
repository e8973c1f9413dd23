import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { API, connector, fixture, shipBobContext, useNock, VERSION } from './helpers/shipbob-test-kit.ts';

useNock();

describe('stock per fulfillment centre', () => {
  it('publishes fulfillable quantities per SKU and centre, following the next link', async () => {
    nock(API)
      .get(`${VERSION}/inventory-level/locations`)
      .query({ PageSize: 250, IsDigital: false })
      .reply(200, fixture('inventory-levels-by-location-page-1.json'))
      .get(`${VERSION}/inventory-level/locations`)
      .query({ PageSize: 250, IsDigital: false, Cursor: 'eyJwYWdlIjoyfQ' })
      .reply(200, fixture('inventory-levels-by-location-page-2.json'));

    const levels = await connector.fetchStock(shipBobContext());

    expect(levels).toEqual([
      // On hand 40, committed 5: 35 can ship. Stock that is all committed publishes 0, not on-hand.
      { sku: 'MUG-BLUE', location: '156', available: 35 },
      { sku: 'MUG-BLUE', location: '178', available: 0 },
      // The insert without a SKU matches no storefront line and is left out.
      { sku: 'MUG-RED', location: '178', available: 5 },
    ]);
  });

  it('refuses to follow a paging link to another host (it would carry the token there)', async () => {
    nock(API)
      .get(`${VERSION}/inventory-level/locations`)
      .query(true)
      .reply(200, { items: [], next: 'https://evil.example/steal' });
    // An empty page ends the read before the link is followed.
    expect(await connector.fetchStock(shipBobContext())).toEqual([]);
    nock(API)
      .get(`${VERSION}/inventory-level/locations`)
      .query(true)
      .reply(200, {
        ...fixture('inventory-levels-by-location-page-2.json'),
        next: 'https://evil.example/steal',
      });
    await expect(connector.fetchStock(shipBobContext())).rejects.toMatchObject({ code: 'invalid_response' });
  });
});

describe('the fulfillment centres, for the hub’s locations', () => {
  it('lists each with id, name, address and time zone', async () => {
    nock(API).get(`${VERSION}/fulfillment-center`).reply(200, fixture('fulfillment-centers.json'));
    const locations = await connector.listLocations(shipBobContext());
    expect(locations).toEqual([
      {
        id: '156',
        name: 'Cicero (IL)',
        timezone: 'Central Standard Time',
        address: {
          address1: '5900 W Ogden Ave',
          address2: 'Suite 100',
          city: 'Cicero',
          province: 'IL',
          postalCode: '60804',
          countryCode: 'USA',
        },
        coordinates: null,
      },
      {
        id: '178',
        name: 'Moreno Valley (CA)',
        timezone: 'Pacific Standard Time',
        address: {
          address1: '17800 Perris Blvd',
          address2: null,
          city: 'Moreno Valley',
          province: 'CA',
          postalCode: '92551',
          countryCode: 'USA',
        },
        coordinates: null,
      },
    ]);
  });
});
