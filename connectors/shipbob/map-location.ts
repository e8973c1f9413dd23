/**
 * A ShipBob fulfillment centre (`GET /fulfillment-center`) as a hub location: the id that
 * `StockLevel.location` and each parcel's `location` carry, its name, address and time zone.
 * ShipBob's model has no coordinates (2026-01); they are passed on if a later version adds them.
 */
import type { FulfillmentLocation as HubLocation } from '../../src/sdk/index.ts';
import { idOf, type ShipBobFulfillmentCenter } from './payloads.ts';

/** The contract's location, with what else ShipBob says about a centre (street, time zone). */
export interface FulfillmentLocation extends HubLocation {
  timezone: string | null;
  address: HubLocation['address'] & {
    address1: string | null;
    address2: string | null;
    city: string | null;
  };
}

const text = (value: string | null | undefined) => (value && value.trim() !== '' ? value.trim() : null);

export function locationOf(center: ShipBobFulfillmentCenter): FulfillmentLocation {
  const latitude = center.latitude;
  const longitude = center.longitude;
  return {
    id: idOf(center.id),
    name: text(center.name) ?? `Fulfillment center ${idOf(center.id)}`,
    timezone: text(center.timezone),
    address: {
      address1: text(center.address1),
      address2: text(center.address2),
      city: text(center.city),
      province: text(center.state),
      postalCode: text(center.zip_code),
      countryCode: text(center.country),
    },
    coordinates:
      typeof latitude === 'number' &&
      typeof longitude === 'number' &&
      Math.abs(latitude) <= 90 &&
      Math.abs(longitude) <= 180
        ? { latitude, longitude }
        : null,
  };
}
