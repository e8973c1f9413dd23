/**
 * The scaffold writes connectors that pass the contract kit as written: each role is scaffolded
 * into a git-ignored folder inside the repository (so its imports of `src/sdk` resolve as they
 * would in `connectors/`), type-checked with the project's settings, and its tests are run.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { register, registryLines, ScaffoldError, scaffoldConnector } from './new-connector.ts';

const REPO = resolve(import.meta.dirname, '..');
const root = join(REPO, '.scaffold-test', randomUUID());
mkdirSync(root, { recursive: true });
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs a tool of the repository; a failure (a non-zero exit) shows its output. */
function run(args: string[]): string {
  try {
    return execFileSync(process.execPath, args, {
      cwd: REPO,
      encoding: 'utf8',
      stdio: 'pipe',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${args.join(' ')} failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

describe('npm run new-connector', () => {
  it('writes a fulfillment and a storefront connector that type-check and pass the contract kit', () => {
    const fulfillment = scaffoldConnector({ name: 'acme-3pl', role: 'fulfillment', dir: root });
    const storefront = scaffoldConnector({ name: 'acme-shop', role: 'storefront', dir: root });
    for (const folder of [fulfillment.folder, storefront.folder]) {
      for (const file of [
        'manifest.ts',
        'webhooks.ts',
        'mapping.ts',
        'client.ts',
        'README.md',
        'test/contract.test.ts',
      ])
        expect(readFileSync(join(folder, file), 'utf8').length).toBeGreaterThan(0);
    }

    writeFileSync(
      join(root, 'tsconfig.json'),
      JSON.stringify({ extends: '../../tsconfig.json', include: ['**/*.ts'] }),
    );
    run([
      join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'),
      '--noEmit',
      '-p',
      join(root, 'tsconfig.json'),
    ]);

    writeFileSync(
      join(root, 'vitest.config.mjs'),
      "export default { test: { include: ['**/*.test.ts'], testTimeout: 60000 } };\n",
    );
    const output = run([
      join(REPO, 'node_modules', 'vitest', 'vitest.mjs'),
      'run',
      '--root',
      root,
      '--config',
      join(root, 'vitest.config.mjs'),
      // Every test's name in the output, not only the slow ones the default reporter lists.
      '--reporter=verbose',
    ]);
    expect(output).toContain('acme-3pl: the outbound contract');
    expect(output).toContain('acme-shop: the outbound contract');
    expect(output).toMatch(/Tests\s+\d+ passed/);
    expect(output).not.toMatch(/\bfailed\b/);
  }, 180_000);

  it('adds the import and the list entry to a registry when asked', () => {
    const registry = join(root, 'registry.ts');
    copyFileSync(join(REPO, 'connectors', 'registry.ts'), registry);
    const { folder, names } = scaffoldConnector({ name: 'acme-reg', role: 'fulfillment', dir: root });
    register(names, folder, registry);
    const text = readFileSync(registry, 'utf8');
    const { importLine, entry } = registryLines(names, folder);
    expect(text).toContain(importLine);
    expect(text).toContain(`return [\n${entry}\n`);
  });

  it('refuses a name the hub cannot use, and a folder that exists', () => {
    expect(() => scaffoldConnector({ name: 'Acme', role: 'storefront', dir: root })).toThrow(ScaffoldError);
    scaffoldConnector({ name: 'acme-twice', role: 'storefront', dir: root });
    expect(() => scaffoldConnector({ name: 'acme-twice', role: 'storefront', dir: root })).toThrow(/exists/);
  });
});
