/**
 * Which request headers carry secrets, for the stored deliveries and the logs alike: any whose
 * name says so (signatures, HMACs, tokens, keys, cookies), and the ones a connector's manifest
 * declares (`webhookHeaders.secret`), so no platform's header names are written here.
 */
const SECRET_HEADER = /signature|hmac|authorization|cookie|token|secret|api[-_]?key/i;

export function isSecretHeader(name: string, declared: ReadonlySet<string> = new Set()): boolean {
  return SECRET_HEADER.test(name) || declared.has(name.toLowerCase());
}
