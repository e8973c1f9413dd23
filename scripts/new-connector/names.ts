/** The names a scaffolded connector is written with, all derived from its registry name. */

export type Role = 'fulfillment' | 'storefront';

export interface Names {
  /** Registry key and URL segment: `acme-ship`. */
  name: string;
  /** For identifiers: `acmeShip`. */
  camel: string;
  /** For types: `AcmeShip`. */
  pascal: string;
  /** For people: `Acme Ship`. */
  display: string;
  role: Role;
  /** The import path of `src/sdk` from the connector's folder, e.g. `../../src/sdk`. */
  sdk: string;
}

/** The same rule the contract kit checks a manifest's name against, less the hyphen at the start. */
export const NAME_PATTERN = /^[a-z][a-z0-9-]{1,62}[a-z0-9]$/;

export function namesFor(name: string, role: Role, sdk: string): Names {
  const words = name.split('-').filter((word) => word.length > 0);
  const upper = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
  const pascal = words.map(upper).join('');
  return {
    name,
    camel: pascal.charAt(0).toLowerCase() + pascal.slice(1),
    pascal,
    display: words.map(upper).join(' '),
    role,
    sdk,
  };
}
