import { describe, expect, it } from 'vitest';
import { parseLocations, twoLocations } from '../three-pl-locations.ts';

describe('SANDBOX_3PL_LOCATIONS', () => {
  it('reads `two` as the Berlin and Columbus warehouses', () => {
    expect(parseLocations('two').map((l) => [l.id, l.country_code])).toEqual([
      ['SBX-EU-1', 'DE'],
      ['SBX-US-1', 'US'],
    ]);
    expect(parseLocations('two')).toEqual(twoLocations());
  });

  it('reads a JSON list, with the demo catalog as default stock', () => {
    const [only] = parseLocations(
      '[{"id":"W1","country_code":"FR","latitude":48.85,"longitude":2.35,"stock":{"A":3}}]',
    );
    expect(only).toEqual({
      id: 'W1',
      name: 'W1',
      country_code: 'FR',
      province: null,
      zip: null,
      latitude: 48.85,
      longitude: 2.35,
      stock: { A: 3 },
    });
    expect(Object.keys(parseLocations('[{"id":"W2"}]')[0]?.stock ?? {}).length).toBeGreaterThan(0);
  });

  it('refuses what it cannot use, naming the entry', () => {
    expect(() => parseLocations('nope')).toThrow(/not JSON/);
    expect(() => parseLocations('[]')).toThrow(/non-empty/);
    expect(() => parseLocations('[{"id":"A"},{"id":"A"}]')).toThrow(/\[1\].*twice/);
    expect(() => parseLocations('[{"id":"A","country_code":"de"}]')).toThrow(/country_code/);
    expect(() => parseLocations('[{"id":"A","latitude":100}]')).toThrow(/latitude/);
    expect(() => parseLocations('[{"id":"A","stock":{"X":-1}}]')).toThrow(/stock\.X/);
  });
});
