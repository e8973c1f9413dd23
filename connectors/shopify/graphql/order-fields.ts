/**
 * The order fields the hub maps, as GraphQL fragments shared by every query that reads an order
 * (the fulfillment-request sweep, reconciliation), with the shape of their answer.
 */
import type { JsonSchema } from '../../../src/sdk/index.ts';
import { bool, gid, int, list, nullable, object, str } from './operation.ts';

export const ORDER_FIELDS = `
fragment HubOrder on Order {
  id
  legacyResourceId
  name
  createdAt
  updatedAt
  cancelledAt
  test
  email
  note
  tags
  displayFinancialStatus
  displayFulfillmentStatus
  presentmentCurrencyCode
  currentTotalPriceSet { presentmentMoney { amount currencyCode } }
  shippingAddress {
    name firstName lastName company address1 address2 city province provinceCode zip countryCodeV2 phone
  }
  shippingLine { title code }
}`;

export const LINE_ITEM_FIELDS = `
fragment HubLineItem on LineItem {
  id
  name
  sku
  currentQuantity
  requiresShipping
  isGiftCard
  originalUnitPriceSet { presentmentMoney { amount currencyCode } }
  product { id }
  variant { id }
}`;

export interface GraphqlMoney {
  amount: string;
  currencyCode: string;
}

export interface GraphqlAddress {
  name: string | null;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  province: string | null;
  provinceCode: string | null;
  zip: string | null;
  countryCodeV2: string | null;
  phone: string | null;
}

export interface GraphqlLineItem {
  id: string;
  name: string;
  sku: string | null;
  currentQuantity: number;
  requiresShipping: boolean;
  isGiftCard: boolean;
  originalUnitPriceSet: { presentmentMoney: GraphqlMoney };
  /** Null for a custom line item, or when the product was deleted since. */
  product: { id: string } | null;
  variant: { id: string } | null;
}

export interface GraphqlOrder {
  id: string;
  /** The numeric id as a string (UnsignedInt64): exact, unlike a JSON number. */
  legacyResourceId: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  test: boolean;
  email: string | null;
  note: string | null;
  tags: string[];
  displayFinancialStatus: string | null;
  displayFulfillmentStatus: string;
  presentmentCurrencyCode: string;
  currentTotalPriceSet: { presentmentMoney: GraphqlMoney };
  shippingAddress: GraphqlAddress | null;
  shippingLine: { title: string; code: string | null } | null;
}

const decimal = { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$' } as const;
const moneySchema = object({ amount: decimal, currencyCode: str });
const nullableText = nullable(str);

export const lineItemSchema: JsonSchema = object({
  id: gid('LineItem'),
  name: str,
  sku: nullableText,
  currentQuantity: int,
  requiresShipping: bool,
  isGiftCard: bool,
  originalUnitPriceSet: object({ presentmentMoney: moneySchema }),
  product: nullable(object({ id: gid('Product') })),
  variant: nullable(object({ id: gid('ProductVariant') })),
});

export const orderSchema: JsonSchema = object({
  id: gid('Order'),
  legacyResourceId: { type: 'string', pattern: '^\\d+$' },
  name: str,
  createdAt: str,
  updatedAt: str,
  cancelledAt: nullableText,
  test: bool,
  email: nullableText,
  note: nullableText,
  tags: list(str),
  displayFinancialStatus: nullableText,
  displayFulfillmentStatus: str,
  presentmentCurrencyCode: str,
  currentTotalPriceSet: object({ presentmentMoney: moneySchema }),
  shippingAddress: nullable(
    object(
      Object.fromEntries(
        [
          'name',
          'firstName',
          'lastName',
          'company',
          'address1',
          'address2',
          'city',
          'province',
          'provinceCode',
          'zip',
          'countryCodeV2',
          'phone',
        ].map((field) => [field, nullableText]),
      ),
    ),
  ),
  shippingLine: nullable(object({ title: str, code: nullableText })),
});
