import { describe, expect, it } from 'vitest';
import { countryCentroids } from '../../scripts/country-centroids-source.ts';
import { COUNTRY_CENTROIDS } from './country-centroids.ts';
import { countryCentroid, distanceKm, pointOf } from './geo.ts';

describe('geo', () => {
  it('ships the centroid table generated from the installed world-countries dataset', () => {
    // Fails after a dataset upgrade until scripts/build-country-centroids.ts is run again.
    expect(COUNTRY_CENTROIDS).toEqual(countryCentroids());
    expect(Object.keys(COUNTRY_CENTROIDS).length).toBeGreaterThan(240);
  });

  it('measures great-circle distance in kilometres', () => {
    const amsterdam = { latitude: 52.37, longitude: 4.9 };
    const newYork = { latitude: 40.71, longitude: -74.01 };
    expect(distanceKm(amsterdam, newYork)).toBeGreaterThan(5800);
    expect(distanceKm(amsterdam, newYork)).toBeLessThan(5900);
    expect(distanceKm(amsterdam, amsterdam)).toBe(0);
  });

  it('prefers a geocode and falls back to the country centroid, or to nothing', () => {
    const geocode = { latitude: 48.14, longitude: 11.58 };
    expect(pointOf({ coordinates: geocode, country: 'FR' })).toEqual(geocode);
    expect(pointOf({ coordinates: null, country: 'de' })).toEqual({ latitude: 51, longitude: 9 });
    expect(pointOf({ coordinates: null, country: 'XX' })).toBeNull();
    expect(countryCentroid(null)).toBeNull();
  });
});
