import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { NeedsHumanError, RetryableError, type ShipmentRequest } from '../../../src/sdk/index.ts';
import {
  API,
  CHANNEL,
  connector,
  fixture,
  ORDER_ID,
  PAT,
  REFERENCE,
  shipBobContext,
  useNock,
  VERSION,
} from './helpers/shipbob-test-kit.ts';

useNock();

const request: ShipmentRequest = {
  reference: REFERENCE,
  orderName: '#1042',
  email: 'zoe@example.com',
  shippingMethod: 'Standard Shipping',
  shipTo: {
    name: 'Zoë Müller',
    company: null,
    address1: 'ul. Floriańska 3',
    address2: null,
    city: 'Kraków',
    province: null,
    postalCode: '31-019',
    countryCode: 'pl',
    phone: null,
  },
  lines: [{ sku: 'MUG-BLUE', name: 'Blue mug', quantity: 2 }],
};

describe('creating the ShipBob order', () => {
  it('posts the documented body, with our reference, the mapped ship option and the channel header', async () => {
    let sent: unknown = null;
    nock(API, {
      reqheaders: {
        authorization: `Bearer ${PAT}`,
        shipbob_channel_id: String(CHANNEL),
        'content-type': 'application/json',
      },
    })
      .post(`${VERSION}/order`, (body) => {
        sent = body;
        return true;
      })
      .reply(201, fixture('order-created.json'));

    const result = await connector.submitShipment(shipBobContext(), request);

    expect(sent).toEqual({
      reference_id: REFERENCE,
      order_number: '#1042',
      type: 'DTC',
      shipping_method: 'Standard',
      recipient: {
        name: 'Zoë Müller',
        email: 'zoe@example.com',
        phone_number: null,
        address: {
          address1: 'ul. Floriańska 3',
          address2: null,
          company_name: null,
          city: 'Kraków',
          state: null,
          zip_code: '31-019',
          country: 'PL',
        },
      },
      products: [{ reference_id: 'MUG-BLUE', name: 'Blue mug', quantity: 2 }],
    });
    expect(result).toEqual({
      externalId: String(ORDER_ID),
      status: 'accepted',
      data: { orderId: String(ORDER_ID), channelId: CHANNEL },
    });
  });

  it('asks for the fulfillment centre the hub routed the shipment to, and for none when it names no centre', async () => {
    const sent: Record<string, unknown>[] = [];
    nock(API)
      .post(`${VERSION}/order`, (body) => sent.push(body) > 0)
      .times(2)
      .reply(201, fixture('order-created.json'));

    await connector.submitShipment(shipBobContext(), { ...request, location: '156' });
    await connector.submitShipment(shipBobContext(), { ...request, location: 'not-a-centre' });

    expect(sent[0]?.location_id).toBe(156);
    expect(sent[1]).not.toHaveProperty('location_id');
  });

  it('binds the order an earlier attempt made when ShipBob refuses the reference as a duplicate, without a second order', async () => {
    nock(API)
      .post(`${VERSION}/order`)
      .reply(422, { reference_id: ['An order with this reference id already exists'] })
      .get(`${VERSION}/order`)
      .query({ ReferenceIds: REFERENCE, Limit: 50 })
      .reply(200, [fixture('order-created.json')]);

    const result = await connector.submitShipment(shipBobContext(), request);

    expect(result.externalId).toBe(String(ORDER_ID));
    // useNock fails the test on any request left unmatched: exactly one POST was made.
  });

  it('holds a 422 that is not a duplicate for a person, with ShipBob’s message', async () => {
    nock(API)
      .post(`${VERSION}/order`)
      .reply(422, fixture('error-422-validation.json'))
      .get(`${VERSION}/order`)
      .query(true)
      .reply(200, []);

    const failure = await connector
      .submitShipment(shipBobContext(), request)
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(NeedsHumanError);
    expect(failure).toMatchObject({ code: 'shipbob_rejected' });
    expect((failure as Error).message).toContain("The country 'Atlantis' is not a valid ISO Alpha-2 code.");
  });

  it('keeps ShipBob’s message on a 400', async () => {
    nock(API)
      .post(`${VERSION}/order`)
      .reply(400, { 'Products[0].Quantity': ['Quantity must be greater than 0'] });
    await expect(connector.submitShipment(shipBobContext(), request)).rejects.toMatchObject({
      code: 'shipbob_rejected',
      message: expect.stringContaining('Products[0].Quantity: Quantity must be greater than 0'),
    });
  });

  it('holds a shipping method the merchant has not mapped, naming it, before calling ShipBob', async () => {
    const failure = await connector
      .submitShipment(shipBobContext(), { ...request, shippingMethod: 'Overnight Express' })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NeedsHumanError);
    expect(failure).toMatchObject({
      code: 'unmapped_shipping_method',
      context: { shippingMethod: 'Overnight Express' },
    });
    expect((failure as Error).message).toContain('Overnight Express');
  });

  it('uses the merchant’s default ship option for an unmapped method, and matches methods ignoring case', async () => {
    const methods: string[] = [];
    nock(API)
      .post(`${VERSION}/order`, (body) => methods.push(body.shipping_method) > 0)
      .twice()
      .reply(201, fixture('order-created.json'));
    const context = shipBobContext({ settings: { defaultShippingMethod: 'Ground' } });
    await connector.submitShipment(context, { ...request, shippingMethod: 'Overnight Express' });
    await connector.submitShipment(context, { ...request, shippingMethod: '  standard   SHIPPING ' });
    expect(methods).toEqual(['Ground', 'Standard']);
  });

  it('turns a 429 into a retry at ShipBob’s x-retry-after', async () => {
    nock(API)
      .post(`${VERSION}/order`)
      .reply(429, fixture('rate-limited-429.json'), { 'x-retry-after': '25', 'x-remaining-calls': '0' });
    const failure = await connector
      .submitShipment(shipBobContext(), request)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RetryableError);
    expect(failure).toMatchObject({ code: 'rate_limited', retryAfterMs: 25_000 });
  });

  it('retries a 5xx and a dropped connection', async () => {
    nock(API).post(`${VERSION}/order`).reply(503, 'Service Unavailable');
    await expect(connector.submitShipment(shipBobContext(), request)).rejects.toBeInstanceOf(RetryableError);
    nock(API).post(`${VERSION}/order`).replyWithError('socket hang up');
    await expect(connector.submitShipment(shipBobContext(), request)).rejects.toMatchObject({
      code: 'network_error',
    });
  });

  it('finds a submission whose answer was lost, by our reference, and nothing for another', async () => {
    nock(API)
      .get(`${VERSION}/order`)
      .query({ ReferenceIds: REFERENCE, Limit: 50 })
      .reply(200, [fixture('order-created.json')])
      .get(`${VERSION}/order`)
      .query({ ReferenceIds: 'other-reference', Limit: 50 })
      // A prefix match from ShipBob's filter is not ours.
      .reply(200, [{ ...fixture('order-created.json'), reference_id: 'other-reference-2' }]);
    expect(await connector.findShipment(shipBobContext(), REFERENCE)).toMatchObject({
      externalId: String(ORDER_ID),
    });
    expect(await connector.findShipment(shipBobContext(), 'other-reference')).toBeNull();
  });
});
