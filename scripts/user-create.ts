/**
 * `npm run user:create -- --email ops@example.com --role operator`
 * `npm run user:create -- --email m@example.com --role merchant_member --merchant <merchant id>`
 *
 * Creates a dashboard user in the configured database. The password is read from standard input
 * when it is piped (`printf %s "$PASSWORD" | npm run user:create -- …`); on a terminal or with
 * nothing piped in, one is generated and printed once. It is never logged.
 */
import { parseArgs } from 'node:util';
import { generatePassword } from '../src/auth/password.ts';
import { createUser, UserInputError } from '../src/auth/users.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import type { UserRole } from '../src/db/types.ts';

const USAGE =
  'usage: npm run user:create -- --email <email> --role operator|merchant_member [--merchant <merchant id>]';
const ROLES: readonly UserRole[] = ['operator', 'merchant_member'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function fail(message: string, code = 64): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(code); // EX_USAGE by default
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  // One trailing newline is what `echo` adds, not part of the password.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

let values: { email?: string; role?: string; merchant?: string };
try {
  ({ values } = parseArgs({
    options: { email: { type: 'string' }, role: { type: 'string' }, merchant: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  }));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const { email, role, merchant } = values;
if (!email) fail('--email is required');
if (!role || !ROLES.includes(role as UserRole)) fail('--role must be operator or merchant_member');
if (merchant !== undefined && !UUID.test(merchant)) fail('--merchant must be a merchant id (a UUID)');
if ((role === 'merchant_member') !== (merchant !== undefined))
  fail('a merchant_member needs --merchant; an operator takes none');

// A terminal, or nothing piped in: a password is generated and printed once.
const piped = process.stdin.isTTY ? '' : await readStdin();
const generated = piped === '' ? generatePassword() : null;
const password = generated ?? piped;

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) fail(error.message, 78);
  throw error;
}
const database = await openDatabase({
  ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
  dataDir: config.dataDir,
});
try {
  await migrateToLatest(database.db);
  if (merchant) {
    const found = await database.db
      .selectFrom('merchants')
      .select('id')
      .where('id', '=', merchant)
      .executeTakeFirst();
    if (!found) fail(`no merchant ${merchant}`, 65);
  }
  const user = await createUser(database.db, {
    email,
    role: role as UserRole, // checked against ROLES above
    merchantId: merchant ?? null,
    password,
  });
  process.stdout.write(`created ${user.role} ${user.email} (${user.id})\n`);
  if (generated) process.stdout.write(`password (shown once): ${generated}\n`);
} catch (error) {
  if (error instanceof UserInputError) fail(error.message, 65);
  // A second user with the same email breaks the unique index.
  if (error instanceof Error && /users_email|unique/i.test(error.message))
    fail(`a user ${email} exists already`, 65);
  throw error;
} finally {
  await database.close();
}
