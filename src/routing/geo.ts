/**
 * Where a destination and a location are, and how far apart: great-circle distance through
 * geolib. An address without a geocode falls back to its country's centroid, which is enough to
 * tell Europe from North America but not two warehouses in one country: pass coordinates for that.
 */
import { getDistance } from 'geolib';
import { COUNTRY_CENTROIDS } from './country-centroids.ts';
import type { GeoPoint } from './routing-model.ts';

export function countryCentroid(country: string | null): GeoPoint | null {
  if (!country) return null;
  const centroid = COUNTRY_CENTROIDS[country.toUpperCase()];
  return centroid ? { latitude: centroid[0], longitude: centroid[1] } : null;
}

export function pointOf(place: { coordinates: GeoPoint | null; country: string | null }): GeoPoint | null {
  return place.coordinates ?? countryCentroid(place.country);
}

// geolib checks and normalises its inputs on every call, which dominates a simulation's time;
// the same few location/destination pairs come back again and again (centroids, warehouses).
const distances = new Map<string, number>();
const DISTANCE_CACHE_LIMIT = 50_000;

/** Kilometres to one decimal, so scores read well in a decision record and compare exactly. */
export function distanceKm(from: GeoPoint, to: GeoPoint): number {
  const key = `${from.latitude},${from.longitude},${to.latitude},${to.longitude}`;
  let km = distances.get(key);
  if (km === undefined) {
    km = Math.round(getDistance(from, to) / 100) / 10;
    if (distances.size >= DISTANCE_CACHE_LIMIT) distances.clear();
    distances.set(key, km);
  }
  return km;
}
