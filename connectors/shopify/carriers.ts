/**
 * Shopify builds the tracking link (and follows the shipment's status) only for carriers named
 * exactly as in its list, capitalization included. A 3PL's carrier is matched against that list
 * loosely; when nothing matches, the company is sent as the 3PL named it, with the 3PL's URL.
 */

/** Shopify's supported tracking companies (FulfillmentTrackingInfo.company, API 2026-07), all countries. */
const SUPPORTED = [
  '4PX',
  'AGS',
  'Amazon',
  'Amazon Logistics UK',
  'An Post',
  'Anjun Logistics',
  'APC',
  'Asendia USA',
  'Australia Post',
  'Bonshaw',
  'BPost',
  'BPost International',
  'Canada Post',
  'Canpar',
  'CDL Last Mile',
  'China Post',
  'Chronopost',
  'Chukou1',
  'Colissimo',
  'Comingle',
  'Coordinadora',
  'Correios',
  'Correos',
  'CTT',
  'CTT Express',
  'Cyprus Post',
  'Delnext',
  'Deutsche Post',
  'DHL eCommerce',
  'DHL eCommerce Asia',
  'DHL Express',
  'DPD',
  'DPD Local',
  'DPD UK',
  'DTD Express',
  'DX',
  'Eagle',
  'Estes',
  'Evri',
  'FedEx',
  'First Global Logistics',
  'First Line',
  'FSC',
  'Fulfilla',
  'GLS',
  'Iceland Post',
  'IDEX',
  'Israel Post',
  'Japan Post (EN)',
  'Japan Post (JA)',
  'La Poste Colissimo',
  'La Poste Burkina Faso',
  'Lasership',
  'Latvia Post',
  'Lietuvos Paštas',
  'Logisters',
  'Lone Star Overnight',
  'M3 Logistics',
  'Meteor Space',
  'Mondial Relay',
  'New Zealand Post',
  'NinjaVan',
  'OnTrac',
  'Packeta',
  'Pago Logistics',
  'Pitney Bowes',
  'Portal PostNord',
  'Poste Italiane',
  'PostNL',
  'PostNord DK',
  'PostNord NO',
  'PostNord SE',
  'Purolator',
  'Qxpress',
  'Qyun Express',
  'Royal Mail',
  'Royal Shipments',
  'Sagawa (EN)',
  'Sagawa (JA)',
  'Sendle',
  'SF Express',
  'SFC Fulfillment',
  'ShipBob',
  'Singapore Post',
  'Southwest Air Cargo',
  'StarTrack',
  'Step Forward Freight',
  'Swiss Post',
  'TForce Final Mile',
  'Tinghao',
  'TNT',
  'Toll IPEC',
  'United Delivery Service',
  'UPS',
  'USPS',
  'Venipak',
  'We Post',
  'Whistl',
  'Wizmo',
  'WMYC',
  'Xpedigo',
  'XPO Logistics',
  'Yamato (EN)',
  'Yamato (JA)',
  'YiFan Express',
  'YunExpress',
  // Listed for shops in some countries only; Shopify accepts the name anywhere.
  'Aramex Australia',
  'Couriers Please',
  'Hunter Express',
  'Intelcom',
  'Loomis',
  'Österreichische Post',
  'Parcelforce',
  'Yodel',
  'DHL Parcel',
  'SEUR',
  'BRT',
  'Bring',
  'Inpost',
  'Fastway',
  'Delhivery',
  'Bluedart',
];

/** Names 3PLs commonly use for a listed carrier. */
const ALIASES: Record<string, string> = {
  dhl: 'DHL Express',
  dhlexpress: 'DHL Express',
  dhlecommerce: 'DHL eCommerce',
  federalexpress: 'FedEx',
  unitedparcelservice: 'UPS',
  unitedstatespostalservice: 'USPS',
  royalmail: 'Royal Mail',
  canadapost: 'Canada Post',
  australiapost: 'Australia Post',
  swisspost: 'Swiss Post',
  laposte: 'La Poste Colissimo',
  ontrac: 'OnTrac',
};

const key = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase();
const BY_KEY = new Map(SUPPORTED.map((name) => [key(name), name]));

/** Shopify's spelling of a carrier, or null when Shopify does not know it. */
export function shopifyCarrierName(carrier: string | null): string | null {
  if (!carrier) return null;
  const normalized = key(carrier);
  return BY_KEY.get(normalized) ?? ALIASES[normalized] ?? null;
}

export interface TrackingInput {
  company?: string;
  number: string;
  url?: string;
}

/**
 * The tracking to send: a known carrier by Shopify's name (Shopify then links and follows it
 * itself); otherwise the 3PL's carrier name and its tracking URL, so the customer still gets a link.
 */
export function trackingInputFor(tracking: {
  carrier: string | null;
  number: string;
  url: string | null;
}): TrackingInput {
  const known = shopifyCarrierName(tracking.carrier);
  if (known) return { company: known, number: tracking.number };
  return {
    ...(tracking.carrier ? { company: tracking.carrier } : {}),
    number: tracking.number,
    ...(tracking.url ? { url: tracking.url } : {}),
  };
}
