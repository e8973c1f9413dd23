import { randomBytes } from 'node:crypto';
import type { Connector, InstallApi } from '../sdk/contracts.ts';
import type { Hub } from './hub.ts';
import { saveConnection, webhookUrlFor } from './manage-connections.ts';

/** What a connector's install flow may do in the hub: one-time states, and creating its connection. */
export function createInstallApi(
  hub: Pick<Hub, 'connections' | 'db' | 'log' | 'registry'>,
  connector: Connector,
): InstallApi {
  const name = connector.manifest.name;
  return {
    hubUrl: hub.connections.publicUrl,
    log: hub.log.child({ connector: name, flow: 'install' }),
    async issueNonce(data, ttlSeconds) {
      const nonce = randomBytes(24).toString('base64url');
      await hub.db
        .insertInto('install_nonces')
        .values({
          nonce,
          connector: name,
          data: JSON.stringify(data),
          expires_at: new Date(Date.now() + ttlSeconds * 1000),
        })
        .execute();
      return nonce;
    },
    async consumeNonce(nonce) {
      // Deleting is what makes it one-time, even with two callbacks racing.
      const row = await hub.db
        .deleteFrom('install_nonces')
        .where('nonce', '=', nonce)
        .where('connector', '=', name)
        .returning(['data', 'expires_at'])
        .executeTakeFirst();
      await hub.db.deleteFrom('install_nonces').where('expires_at', '<', new Date()).execute();
      if (!row || row.expires_at.getTime() < Date.now()) return null;
      return row.data;
    },
    async connect(input) {
      let merchantId = input.merchantId;
      let newMerchant = false;
      if (!merchantId) {
        const existing = await hub.db
          .selectFrom('connections')
          .select('merchant_id')
          .where('connector', '=', name)
          .where('external_account', '=', input.externalAccount)
          .executeTakeFirst();
        merchantId =
          existing?.merchant_id ??
          (
            await hub.db
              .insertInto('merchants')
              .values({ name: input.merchantName ?? input.externalAccount })
              .returning('id')
              .executeTakeFirstOrThrow()
          ).id;
        newMerchant = !existing;
      }
      let connection: Awaited<ReturnType<typeof saveConnection>>;
      try {
        connection = await saveConnection(hub, {
          merchantId,
          connector: name,
          externalAccount: input.externalAccount,
          settings: input.settings,
          credentials: input.credentials,
          mergeSettings: true,
        });
      } catch (error) {
        // A refused install leaves nothing behind, not even the merchant it was made for.
        if (newMerchant) await hub.db.deleteFrom('merchants').where('id', '=', merchantId).execute();
        throw error;
      }
      return {
        connectionId: connection.id,
        merchantId,
        webhookUrl: webhookUrlFor(hub.connections.publicUrl, connection),
      };
    },
    async findConnection(externalAccount) {
      const row = await hub.db
        .selectFrom('connections')
        .select(['id', 'merchant_id', 'status'])
        .where('connector', '=', name)
        .where('external_account', '=', externalAccount)
        .executeTakeFirst();
      return row ? { connectionId: row.id, merchantId: row.merchant_id, status: row.status } : null;
    },
  };
}
