import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { findUser, revokeSessions } from '../../auth/users.ts';
import type { Hub } from '../../pipeline/hub.ts';
import { errorSchema } from '../errors.ts';
import { scopedMerchant, scopeOf } from '../scope.ts';
import { IdParams } from './schema-kit.ts';

/** What the admin API does with users: for now, sign one out everywhere. */
export const userRoutes: FastifyPluginAsyncTypebox<{ hub: Hub }> = async (app, { hub }) => {
  app.delete(
    '/api/users/:id/sessions',
    {
      schema: {
        tags: ['users'],
        summary: 'Revoke every session of a user (the operator: anyone; a merchant: its members)',
        params: IdParams,
        response: { 200: Type.Object({ revoked: Type.Integer() }), 404: errorSchema },
      },
    },
    async (request, reply) => {
      const merchant = scopedMerchant(scopeOf(request));
      const user = await findUser(hub.db, request.params.id);
      if (!user || (merchant !== null && user.merchantId !== merchant))
        return reply.status(404).send({ error: 'not_found', message: 'no such user' });
      const revoked = await revokeSessions(hub.db, user.id);
      request.log.info({ userId: user.id, revoked }, 'sessions revoked');
      return { revoked };
    },
  );
};
