/** The world-countries dataset reduced to what routing reads; shared by the generator and its test. */
import { createRequire } from 'node:module';

interface CountryRow {
  cca2: string;
  latlng: [number, number];
}

export function countryCentroids(): Record<string, [number, number]> {
  const countries = createRequire(import.meta.url)('world-countries') as CountryRow[];
  const table: Record<string, [number, number]> = {};
  for (const country of [...countries].sort((a, b) => (a.cca2 < b.cca2 ? -1 : 1))) {
    table[country.cca2] = [country.latlng[0], country.latlng[1]];
  }
  return table;
}
