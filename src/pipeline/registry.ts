import type { Connector } from '../sdk/contracts.ts';

export interface ConnectorRegistry {
  get(name: string): Connector | undefined;
  list(): Connector[];
}

export function createRegistry(connectors: readonly Connector[]): ConnectorRegistry {
  const byName = new Map<string, Connector>();
  for (const connector of connectors) {
    if (byName.has(connector.manifest.name))
      throw new Error(`two connectors are named ${connector.manifest.name}`);
    byName.set(connector.manifest.name, connector);
  }
  return { get: (name) => byName.get(name), list: () => [...byName.values()] };
}

/**
 * Every header name a connector's manifest calls secret, for the logger's redaction (the stored
 * deliveries use the receiving connector's own list).
 */
export function webhookSecretHeaders(connectors: readonly Connector[]): string[] {
  return [...new Set(connectors.flatMap((c) => c.manifest.webhookHeaders?.secret ?? []))].map((name) =>
    name.toLowerCase(),
  );
}
