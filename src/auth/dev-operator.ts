import type { Hub } from '../pipeline/hub.ts';
import { generatePassword } from './password.ts';
import { countUsers, createUser } from './users.ts';

export const DEVELOPMENT_OPERATOR_EMAIL = 'operator@localhost.test';

/**
 * In development, a hub with no user gets one operator, whose password is printed once (to the
 * terminal, not the log) so the dashboard can be tried at once. Never in production or tests.
 */
export async function ensureDevelopmentOperator(
  hub: Hub,
  print: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<void> {
  if (hub.config.env !== 'development' || (await countUsers(hub.db)) > 0) return;
  const password = generatePassword();
  const user = await createUser(hub.db, { email: DEVELOPMENT_OPERATOR_EMAIL, role: 'operator', password });
  print(
    `No user yet: created the development operator ${user.email} with password ${password} — sign in at /dashboard/sign-in (shown once).`,
  );
}
