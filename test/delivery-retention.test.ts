/**
 * The retention policy for delivery bodies, over HTTP with the real hub and database: past
 * DELIVERY_BODY_RETENTION_DAYS a delivery's body (customer names and addresses) is dropped by a
 * scheduled job and its record kept, marked as erased; a delivery still in flight keeps its body;
 * a replay of an erased one is refused with the reason. Age is given to deliveries by moving their
 * receipt time back, as the passing days would.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eraseExpiredDeliveryBodies, RETENTION_CRON } from '../src/pipeline/retention.ts';
import { startTestHub, type TestHub, waitFor } from './helpers/test-hub.ts';

const RETENTION_DAYS = 7;

interface StoredDelivery {
  id: string;
  status: string;
  topic: string | null;
  bodySize: number;
  body: string | null;
  bodyErased: { reason: string; at: string } | null;
}

describe('delivery body retention', () => {
  let hub: TestHub;

  const delivery = async (id: string) => (await hub.api<StoredDelivery>('GET', `/api/deliveries/${id}`)).body;

  /** The storefront's deliveries of one order, once they are all applied. */
  async function deliveriesOf(sourceOrderId: string): Promise<StoredDelivery[]> {
    return waitFor(async () => {
      const list = await hub.api<{ items: { id: string }[] }>(
        'GET',
        `/api/deliveries?connectionId=${hub.storefrontConnectionId}&limit=200`,
      );
      const all = await Promise.all(list.body.items.map((item) => delivery(item.id)));
      const mine = all.filter((d) => d.body?.includes(sourceOrderId));
      return mine.length > 0 && mine.every((d) => d.status === 'processed') ? mine : undefined;
    }, `the deliveries of ${sourceOrderId} to be processed`);
  }

  /** Moves deliveries' receipt back by `days`, as time passing would. */
  async function age(ids: string[], days: number) {
    await hub.running.hub.db
      .updateTable('deliveries')
      .set({ received_at: sql`received_at - make_interval(days => ${days})` })
      .where('id', 'in', ids)
      .execute();
  }

  beforeAll(async () => {
    hub = await startTestHub({ env: { DELIVERY_BODY_RETENTION_DAYS: String(RETENTION_DAYS) } });
  });
  afterAll(async () => hub?.stop());

  it('is scheduled, like reconciliation', async () => {
    const schedules = await hub.running.hub.boss.getSchedules();
    expect(schedules.find((schedule) => schedule.name === 'retention')).toMatchObject({
      cron: RETENTION_CRON,
    });
  });

  it('drops the bodies past the retention period and keeps their records; a replay says why it cannot', async () => {
    const old = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-TEE-M', quantity: 1 }] });
    const recent = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-MUG', quantity: 1 }] });
    const expired = await deliveriesOf(old.id);
    const kept = await deliveriesOf(recent.id);
    await age(
      expired.map((d) => d.id),
      RETENTION_DAYS + 1,
    );
    await age(
      kept.map((d) => d.id),
      RETENTION_DAYS - 1,
    );

    await hub.running.hub.boss.send('retention', {}, { singletonKey: 'all' });
    await waitFor(
      async () => (await delivery(expired[0]!.id)).bodyErased !== null,
      'the retention job to run',
    );

    for (const before of expired) {
      expect(await delivery(before.id)).toMatchObject({
        status: before.status,
        topic: before.topic,
        bodySize: before.bodySize,
        body: null,
        bodyErased: { reason: 'retention', at: expect.any(String) },
      });
    }
    for (const before of kept) {
      expect(await delivery(before.id)).toMatchObject({ body: before.body, bodyErased: null });
    }

    const refused = await hub.api('POST', `/api/deliveries/${expired[0]!.id}/replay`);
    expect(refused).toMatchObject({ status: 409, body: { error: 'body_erased' } });
    expect(refused.body.message).toMatch(/retention policy, DELIVERY_BODY_RETENTION_DAYS/);
    expect((await hub.api('POST', `/api/deliveries/${kept[0]!.id}/replay`)).status).toBe(202);
  });

  it('keeps the body of a delivery still in flight, whatever its age', async () => {
    const placed = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-TEE-M', quantity: 2 }] });
    const [retrying] = await deliveriesOf(placed.id);
    // Its apply job is failing and will be retried: the body is what the retry needs.
    await hub.running.hub.db
      .updateTable('deliveries')
      .set({ status: 'failed' })
      .where('id', '=', retrying!.id)
      .execute();
    await age([retrying!.id], 90);
    await eraseExpiredDeliveryBodies(hub.running.hub.db, { retentionDays: RETENTION_DAYS });
    expect(await delivery(retrying!.id)).toMatchObject({ body: retrying!.body, bodyErased: null });
  });

  it('erases in batches until nothing past the period is left, or stops at the run’s limit', async () => {
    const placed = Array.from({ length: 5 }, () =>
      hub.storefront.placeOrder({ lines: [{ sku: 'SBX-MUG', quantity: 1 }] }),
    );
    const ids = (await Promise.all(placed.map((order) => deliveriesOf(order.id)))).flat().map((d) => d.id);
    await age(ids, RETENTION_DAYS + 3);
    const db = hub.running.hub.db;
    // One batch of one: the rest waits for the next run.
    expect(
      await eraseExpiredDeliveryBodies(db, { retentionDays: RETENTION_DAYS, batchSize: 1, maxBatches: 1 }),
    ).toBe(1);
    expect(await eraseExpiredDeliveryBodies(db, { retentionDays: RETENTION_DAYS, batchSize: 2 })).toBe(
      ids.length - 1,
    );
    const after = await Promise.all(ids.map((id) => delivery(id)));
    expect(after.every((d) => d.body === null && d.bodyErased?.reason === 'retention')).toBe(true);
    expect(await eraseExpiredDeliveryBodies(db, { retentionDays: RETENTION_DAYS })).toBe(0);
  });
});
