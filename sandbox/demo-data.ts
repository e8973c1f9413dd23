/**
 * The sandbox's made-up products and customers. Shared by both simulators so that, by default, the
 * 3PL stocks exactly what the storefront sells and the demo works with no configuration.
 */
import type { StorefrontAddress } from './storefront-simulator-types.ts';

export interface CatalogItem {
  sku: string;
  title: string;
  /** A decimal string with two decimals, as storefront APIs send money. */
  price: string;
}

export const DEFAULT_CATALOG: readonly CatalogItem[] = [
  { sku: 'SBX-TEE-S', title: 'Sandbox T-shirt (S)', price: '19.90' },
  { sku: 'SBX-TEE-M', title: 'Sandbox T-shirt (M)', price: '19.90' },
  { sku: 'SBX-MUG', title: 'Sandbox mug', price: '12.50' },
  { sku: 'SBX-CAP', title: 'Sandbox cap', price: '24.00' },
  { sku: 'SBX-SOCKS', title: 'Sandbox socks (2 pairs)', price: '9.95' },
];

/** The 3PL's opening stock: every default SKU, 100 to 500 units. */
export function defaultStock(): Record<string, number> {
  return Object.fromEntries(DEFAULT_CATALOG.map((item, index) => [item.sku, (index + 1) * 100]));
}

export interface DemoCustomer {
  email: string;
  address: StorefrontAddress;
}

// Non-ASCII names and cities on purpose: every hop (JSON, signatures, the database, the 3PL) must
// carry them through unchanged.
export const DEMO_CUSTOMERS: readonly DemoCustomer[] = [
  {
    email: 'zoe.mueller@example.com',
    address: {
      name: 'Zoë Müller',
      company: null,
      address1: 'Müllerstraße 12',
      address2: null,
      city: 'München',
      province: 'Bayern',
      zip: '80469',
      country_code: 'DE',
      phone: '+49 89 1234567',
    },
  },
  {
    email: 'lukasz.wisniewski@example.com',
    address: {
      name: 'Łukasz Wiśniewski',
      company: null,
      address1: 'ul. Floriańska 3/5',
      address2: 'm. 7',
      city: 'Kraków',
      province: 'Małopolskie',
      zip: '31-019',
      country_code: 'PL',
      phone: null,
    },
  },
  {
    email: 'amelie@atelier-dubois.example',
    address: {
      name: 'Amélie Dubois',
      company: 'Atelier Dubois SARL',
      address1: '14 rue de Rivoli',
      address2: 'Bâtiment B',
      city: 'Paris',
      province: null,
      zip: '75004',
      country_code: 'FR',
      phone: '+33 1 23 45 67 89',
    },
  },
  {
    email: 'soren@example.org',
    address: {
      name: 'Søren Kierkegård',
      company: null,
      address1: 'Nørregade 7',
      address2: null,
      city: 'København K',
      province: null,
      zip: '1165',
      country_code: 'DK',
      phone: null,
    },
  },
  {
    email: 'jane.doe@example.com',
    address: {
      name: 'Jane Doe',
      company: 'Example Ltd',
      address1: '221B Baker Street',
      address2: null,
      city: 'London',
      province: null,
      zip: 'NW1 6XE',
      country_code: 'GB',
      phone: '+44 20 7946 0000',
    },
  },
];

export function randomInt(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}

export function pickRandom<T>(items: readonly T[]): T {
  const item = items[randomInt(0, items.length - 1)];
  if (item === undefined) throw new Error('pickRandom: empty list');
  return item;
}

/** `count` distinct items in random order (all of them when there are fewer). */
export function pickDistinct<T>(items: readonly T[], count: number): T[] {
  const pool = [...items];
  const picked: T[] = [];
  while (picked.length < count && pool.length > 0) {
    picked.push(...pool.splice(randomInt(0, pool.length - 1), 1));
  }
  return picked;
}
