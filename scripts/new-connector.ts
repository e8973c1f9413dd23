/**
 * `npm run new-connector -- --name acme --role fulfillment|storefront [--dir connectors] [--register]`
 *
 * Writes `<dir>/<name>/`: manifest, webhook verify/parse, mapping, client, the connector, a README,
 * and tests that run the SDK's contract kit against a fake of the platform behind nock. The folder
 * passes its tests as written; the README says what to change to make it talk to the real API.
 * Registration is one line in `connectors/registry.ts`: printed, or added with `--register`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  clientFile,
  indexFile,
  manifestFile,
  readmeFile,
  testHelpersFile,
  webhooksFile,
} from './new-connector/common-templates.ts';
import { fulfillmentConnectorFile, fulfillmentMappingFile } from './new-connector/fulfillment-templates.ts';
import { fulfillmentContractFile, fulfillmentFakeFile } from './new-connector/fulfillment-test-templates.ts';
import { NAME_PATTERN, type Names, namesFor, type Role } from './new-connector/names.ts';
import { storefrontConnectorFile, storefrontMappingFile } from './new-connector/storefront-templates.ts';
import { storefrontContractFile, storefrontFakeFile } from './new-connector/storefront-test-templates.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REGISTRY = join(REPO, 'connectors', 'registry.ts');

export class ScaffoldError extends Error {}

export interface ScaffoldOptions {
  name: string;
  role: Role;
  /** The folder the connector's folder goes in; default `connectors/` of this repository. */
  dir?: string;
}

/** The files of a connector, by path inside its folder. */
export function connectorFiles(n: Names): Record<string, string> {
  const fulfillment = n.role === 'fulfillment';
  return {
    'manifest.ts': manifestFile(n),
    'client.ts': clientFile(n),
    'webhooks.ts': webhooksFile(n),
    'mapping.ts': fulfillment ? fulfillmentMappingFile(n) : storefrontMappingFile(n),
    'connector.ts': fulfillment ? fulfillmentConnectorFile(n) : storefrontConnectorFile(n),
    'index.ts': indexFile(n),
    'README.md': readmeFile(
      n,
      fulfillment
        ? 'submit, find, cancel, stock, poll, and the webhook'
        : 'tracking, stock, poll, and the webhook',
    ),
    'test/helpers.ts': testHelpersFile(n),
    [`test/fake-${n.name}.ts`]: fulfillment ? fulfillmentFakeFile(n) : storefrontFakeFile(n),
    'test/contract.test.ts': fulfillment ? fulfillmentContractFile(n) : storefrontContractFile(n),
  };
}

/** Writes the connector's folder; refuses to overwrite one. Returns the folder. */
export function scaffoldConnector(options: ScaffoldOptions): { folder: string; names: Names } {
  if (!NAME_PATTERN.test(options.name)) {
    throw new ScaffoldError(
      `--name must be lower-case letters, digits and inner hyphens, 3 to 64 long (got ${JSON.stringify(options.name)})`,
    );
  }
  const folder = resolve(options.dir ?? join(REPO, 'connectors'), options.name);
  if (existsSync(folder)) throw new ScaffoldError(`${folder} exists already; pick another name`);
  const sdk = relative(folder, join(REPO, 'src', 'sdk'))
    .split(sep)
    .join('/');
  const names = namesFor(options.name, options.role, sdk);
  for (const [path, text] of Object.entries(connectorFiles(names))) {
    const target = join(folder, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  format(folder);
  return { folder, names };
}

/**
 * Line breaks depend on the name's length, so the templates are written plainly and the project's
 * formatter lays them out. A folder the formatter is configured to skip is left as written.
 */
function format(folder: string): void {
  const biome = join(REPO, 'node_modules', '@biomejs', 'biome', 'bin', 'biome');
  if (!existsSync(biome)) return;
  try {
    execFileSync(process.execPath, [biome, 'format', '--write', folder], { cwd: REPO, stdio: 'pipe' });
  } catch {
    // Formatting is for the reader; the files are valid TypeScript either way.
  }
}

/** The import and the list entry `connectors/registry.ts` needs. */
export function registryLines(n: Names, folder: string): { importLine: string; entry: string } {
  const from = relative(dirname(REGISTRY), join(folder, 'index.ts')).split(sep).join('/');
  return { importLine: `import { ${n.camel} } from './${from}';`, entry: `    ${n.camel},` };
}

/** Adds the connector to the registry: its import after the last import, its entry first in the list. */
export function register(n: Names, folder: string, registryPath = REGISTRY): void {
  const { importLine, entry } = registryLines(n, folder);
  const text = readFileSync(registryPath, 'utf8');
  const lines = text.split('\n');
  const lastImport = lines.findLastIndex((line) => line.startsWith('import '));
  const list = lines.findIndex((line) => line.trim() === 'return [');
  if (lastImport < 0 || list < 0) throw new ScaffoldError(`cannot find where to register in ${registryPath}`);
  lines.splice(list + 1, 0, entry);
  lines.splice(lastImport + 1, 0, importLine);
  writeFileSync(registryPath, lines.join('\n'));
}

function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      name: { type: 'string' },
      role: { type: 'string' },
      dir: { type: 'string' },
      register: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.name) throw new ScaffoldError('--name is required');
  if (values.role !== 'fulfillment' && values.role !== 'storefront')
    throw new ScaffoldError('--role must be fulfillment or storefront');
  const { folder, names } = scaffoldConnector({ name: values.name, role: values.role, dir: values.dir });
  console.log(`wrote ${relative(process.cwd(), folder) || folder}`);
  if (values.register) {
    register(names, folder);
    console.log(`registered ${names.camel} in connectors/registry.ts`);
  } else {
    const { importLine, entry } = registryLines(names, folder);
    console.log(
      `add to connectors/registry.ts:\n  ${importLine}\nand in the list createConnectors returns:\n${entry}`,
    );
  }
  console.log(`then: npx vitest run ${relative(process.cwd(), folder)}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof ScaffoldError) && !(error instanceof TypeError)) throw error;
    // parseArgs reports an unknown or malformed option as a TypeError with a readable message.
    console.error(error.message);
    process.exitCode = 2;
  }
}
