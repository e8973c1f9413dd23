/**
 * The first users: `npm run user:create` (its script, in its own process, on a real database) and
 * the development operator made at start-up when there is no user.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_OPERATOR_EMAIL, ensureDevelopmentOperator } from '../src/auth/dev-operator.ts';
import { authenticate } from '../src/auth/users.ts';
import { loadConfig } from '../src/config.ts';
import { type RunningHub, startHub } from '../src/start-hub.ts';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.ts';
import { testEnv } from './helpers/test-hub.ts';

/** Runs the script with the test database's environment; resolves with its exit code and output. */
function userCreate(database: TestDatabase, args: string[], stdin: string) {
  const child = spawn(process.execPath, ['scripts/user-create.ts', ...args], {
    env: { ...process.env, ...testEnv(database) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  child.stdin.end(stdin);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

describe('the first users', () => {
  let database: TestDatabase;
  let hub: RunningHub | null = null;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await hub?.stop();
    await database?.drop();
  });

  it('creates an operator with a piped password, or prints a generated one; refuses bad input', async () => {
    const piped = await userCreate(
      database,
      ['--email', 'ops@example.test', '--role', 'operator'],
      'a piped password here\n',
    );
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toContain('created operator ops@example.test');
    expect(piped.stdout + piped.stderr).not.toContain('a piped password here');

    const generated = await userCreate(database, ['--email', 'ops2@example.test', '--role', 'operator'], '');
    expect(generated.code, generated.stderr).toBe(0);
    const password = /password \(shown once\): (\S+)/.exec(generated.stdout)?.[1];
    expect(password).toBeDefined();

    const memberWithoutMerchant = await userCreate(
      database,
      ['--email', 'm@example.test', '--role', 'merchant_member'],
      '',
    );
    expect(memberWithoutMerchant.code).toBe(64);
    const badRole = await userCreate(database, ['--email', 'x@example.test', '--role', 'admin'], '');
    expect(badRole.code).toBe(64);

    hub = await startHub(loadConfig(testEnv(database)), { workers: false });
    expect(await authenticate(hub.hub.db, 'ops@example.test', 'a piped password here')).toMatchObject({
      role: 'operator',
    });
    expect(await authenticate(hub.hub.db, 'ops2@example.test', password as string)).toMatchObject({
      role: 'operator',
    });
    expect(await authenticate(hub.hub.db, 'ops@example.test', 'a wrong password here')).toBeNull();
  }, 300_000); // each run of the script opens the database and checks its migrations in its own process

  it('creates the development operator once, only in development and only with no user', async () => {
    if (!hub) throw new Error('the first test starts the hub');
    const db = hub.hub.db;
    const printed: string[] = [];
    const development = { ...hub.hub, config: { ...hub.hub.config, env: 'development' as const } };
    await ensureDevelopmentOperator(development, (line) => printed.push(line));
    expect(printed).toEqual([]); // users exist already

    await db.deleteFrom('users').execute();
    await ensureDevelopmentOperator(hub.hub, (line) => printed.push(line)); // NODE_ENV=test
    expect(printed).toEqual([]);
    await ensureDevelopmentOperator(development, (line) => printed.push(line));
    await ensureDevelopmentOperator(development, (line) => printed.push(line));
    expect(printed).toHaveLength(1);
    const password = /with password (\S+)/.exec(printed[0] ?? '')?.[1] as string;
    expect(await authenticate(db, DEVELOPMENT_OPERATOR_EMAIL, password)).toMatchObject({ role: 'operator' });
  });
});
