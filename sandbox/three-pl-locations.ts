/**
 * The sandbox 3PL's warehouses. One by default (`SBX-WH-1`, holding the simulator's `stock`), as
 * the tests written before locations expect; `TWO_LOCATIONS` (or a JSON list in the
 * `SANDBOX_3PL_LOCATIONS` variable, read by `parseLocations`) gives one in Germany and one in the
 * US, each with its own stock, so routing between them can be tried.
 */
import { defaultStock } from './demo-data.ts';

export interface ThreePlLocation {
  id: string;
  name: string;
  country_code: string;
  province: string | null;
  zip: string | null;
  latitude: number | null;
  longitude: number | null;
}

export interface ThreePlLocationOptions extends Partial<Omit<ThreePlLocation, 'id'>> {
  id: string;
  /** Available units per SKU at this location; a SKU not in it is unknown here. */
  stock: Record<string, number>;
}

export const DEFAULT_LOCATION_ID = 'SBX-WH-1';

/** Two warehouses, each with the demo catalog (the US one with half the units). */
export function twoLocations(): ThreePlLocationOptions[] {
  const stock = defaultStock();
  return [
    {
      id: 'SBX-EU-1',
      name: 'Sandbox Berlin',
      country_code: 'DE',
      province: 'BE',
      zip: '10115',
      latitude: 52.532,
      longitude: 13.384,
      stock,
    },
    {
      id: 'SBX-US-1',
      name: 'Sandbox Columbus',
      country_code: 'US',
      province: 'OH',
      zip: '43215',
      latitude: 39.961,
      longitude: -82.999,
      stock: Object.fromEntries(Object.entries(stock).map(([sku, units]) => [sku, Math.floor(units / 2)])),
    },
  ];
}

export function locationOf(options: ThreePlLocationOptions): ThreePlLocation {
  return {
    id: options.id,
    name: options.name ?? options.id,
    country_code: options.country_code ?? 'DE',
    province: options.province ?? null,
    zip: options.zip ?? null,
    latitude: options.latitude ?? null,
    longitude: options.longitude ?? null,
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `SANDBOX_3PL_LOCATIONS`: `two` for `twoLocations()`, or a JSON array of
 * `{id, name?, country_code?, province?, zip?, latitude?, longitude?, stock?}` (stock defaults to
 * the demo catalog). Throws on anything else, naming what is wrong.
 */
export function parseLocations(value: string): ThreePlLocationOptions[] {
  if (value.trim() === 'two') return twoLocations();
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Error('SANDBOX_3PL_LOCATIONS: not JSON (nor "two")');
  }
  if (!Array.isArray(parsed) || parsed.length === 0)
    throw new Error('SANDBOX_3PL_LOCATIONS: expected a non-empty JSON array');
  const ids = new Set<string>();
  return parsed.map((item, index) => {
    const where = `SANDBOX_3PL_LOCATIONS[${index}]`;
    if (!isRecord(item) || typeof item.id !== 'string' || item.id.trim() === '')
      throw new Error(`${where}: needs an "id" string`);
    if (ids.has(item.id)) throw new Error(`${where}: id ${item.id} appears twice`);
    ids.add(item.id);
    const text = (key: string) => {
      const v = item[key];
      if (v === undefined || v === null) return null;
      if (typeof v !== 'string') throw new Error(`${where}.${key}: expected a string`);
      return v;
    };
    const number = (key: string, limit: number) => {
      const v = item[key];
      if (v === undefined || v === null) return null;
      if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > limit)
        throw new Error(`${where}.${key}: expected a number within ±${limit}`);
      return v;
    };
    const country = text('country_code') ?? 'DE';
    if (!/^[A-Z]{2}$/.test(country)) throw new Error(`${where}.country_code: expected two capital letters`);
    let stock = defaultStock();
    if (item.stock !== undefined) {
      if (!isRecord(item.stock)) throw new Error(`${where}.stock: expected an object of SKU → units`);
      stock = {};
      for (const [sku, units] of Object.entries(item.stock)) {
        if (typeof units !== 'number' || !Number.isInteger(units) || units < 0)
          throw new Error(`${where}.stock.${sku}: expected a whole number ≥ 0`);
        stock[sku] = units;
      }
    }
    return {
      id: item.id,
      name: text('name') ?? item.id,
      country_code: country,
      province: text('province'),
      zip: text('zip'),
      latitude: number('latitude', 90),
      longitude: number('longitude', 180),
      stock,
    };
  });
}
