import nock from 'nock';
import { describe, expect, it } from 'vitest';
import {
  API,
  CHANNEL,
  connector,
  fixture,
  ORDER_ID,
  REFERENCE,
  shipBobContext,
  useNock,
  VERSION,
} from './helpers/shipbob-test-kit.ts';

useNock();

const shipment = {
  reference: REFERENCE,
  externalId: String(ORDER_ID),
  data: { orderId: String(ORDER_ID), channelId: CHANNEL },
};

describe('cancelling at ShipBob', () => {
  it('gives each ShipBob shipment’s answer: one cancelled, one refused with ShipBob’s reason', async () => {
    nock(API, { reqheaders: { shipbob_channel_id: String(CHANNEL) } })
      .post(`${VERSION}/order/${ORDER_ID}:cancel`)
      .reply(200, fixture('cancel-order-mixed.json'));

    const result = await connector.cancelShipment(shipBobContext(), shipment);

    expect(result).toEqual({
      outcome: 'refused',
      reason: 'shipment 200000001: Shipment is already picked',
      parcels: [
        { externalId: '200000001', outcome: 'refused', reason: 'Shipment is already picked' },
        { externalId: '200000002', outcome: 'cancelled', reason: null },
      ],
    });
  });

  it('is cancelled when every shipment is', async () => {
    nock(API)
      .post(`${VERSION}/order/${ORDER_ID}:cancel`)
      .reply(200, {
        order_id: ORDER_ID,
        status: 'Success',
        canceled_shipment_results: [
          { shipment_id: 200000001, action: 'Cancel', is_success: true, reason: null },
        ],
      });
    expect(await connector.cancelShipment(shipBobContext(), shipment)).toMatchObject({
      outcome: 'cancelled',
      reason: null,
    });
  });

  it('reads a refusal of an order already cancelled as cancelled, and any other as refused with the message', async () => {
    nock(API)
      .post(`${VERSION}/order/${ORDER_ID}:cancel`)
      .reply(422, { '': ['Order is not in a cancellable state'] })
      .get(`${VERSION}/order/${ORDER_ID}`)
      .reply(200, { ...fixture('order-created.json'), status: 'Cancelled' });
    expect(await connector.cancelShipment(shipBobContext(), shipment)).toMatchObject({
      outcome: 'cancelled',
    });

    nock(API)
      .post(`${VERSION}/order/${ORDER_ID}:cancel`)
      .reply(422, { '': ['Order is not in a cancellable state'] })
      .get(`${VERSION}/order/${ORDER_ID}`)
      .reply(200, fixture('order-two-shipments.json'));
    expect(await connector.cancelShipment(shipBobContext(), shipment)).toEqual({
      outcome: 'refused',
      reason: 'Order is not in a cancellable state',
      parcels: [],
    });
  });

  it('cancels one ShipBob shipment of an order, and reports a refusal after pick as refused', async () => {
    nock(API)
      .post(`${VERSION}/order/${ORDER_ID}/shipment/200000002:cancel`)
      .reply(200, {
        ...(fixture<{ shipments: object[] }>('order-created.json').shipments[0] as object),
        id: 200000002,
        status: 'Cancelled',
      })
      .post(`${VERSION}/order/${ORDER_ID}/shipment/200000001:cancel`)
      .reply(422, { shipmentId: ['Shipment cannot be cancelled once it has been picked'] })
      .get(`${VERSION}/order/${ORDER_ID}`)
      .reply(200, fixture('order-two-shipments.json'));
    const context = shipBobContext();
    expect(
      await connector.cancelParcel(context, { orderId: String(ORDER_ID), shipmentId: '200000002' }),
    ).toEqual({
      externalId: '200000002',
      outcome: 'cancelled',
      reason: null,
    });
    expect(
      await connector.cancelParcel(context, { orderId: String(ORDER_ID), shipmentId: '200000001' }),
    ).toEqual({
      externalId: '200000001',
      outcome: 'refused',
      reason: 'shipmentId: Shipment cannot be cancelled once it has been picked',
    });
  });
});
