/** Money is an integer count of the currency's minor units, never a float. */
export interface Money {
  amountMinor: number;
  currency: string;
}

// ISO 4217 exponents that are not 2; everything else uses 2.
const EXPONENTS: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
};

export function currencyExponent(currency: string): number {
  return EXPONENTS[currency.toUpperCase()] ?? 2;
}

/**
 * Converts a decimal string such as "19.99" (how storefronts send money) to minor units without
 * going through a float, so "0.29" never becomes 28.
 *
 * @example
 * decimalToMinor('19.99', 'EUR'); // 1999
 * decimalToMinor('1.234', 'KWD'); // 1234 (three decimals)
 */
export function decimalToMinor(value: string | number, currency: string): number {
  const text = typeof value === 'number' ? value.toString() : value.trim();
  const match = /^(-)?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) {
    throw new RangeError(`not a decimal amount: ${JSON.stringify(value)}`);
  }
  const exponent = currencyExponent(currency);
  const whole = match[2] || '0';
  const fraction = (match[3] ?? '').padEnd(exponent + 1, '0');
  const kept = fraction.slice(0, exponent);
  const roundUp = Number(fraction[exponent] ?? '0') >= 5;
  let minor = Number(whole) * 10 ** exponent + Number(kept || '0') + (roundUp ? 1 : 0);
  if (!Number.isSafeInteger(minor)) throw new RangeError(`amount out of range: ${text}`);
  // "-0.00" is zero, not the float -0 (which Object.is and some serializers tell apart).
  if (match[1] && minor !== 0) minor = -minor;
  return minor;
}

/**
 * Minor units back to the decimal string a platform expects, without a float.
 *
 * @example
 * minorToDecimal(1999, 'EUR'); // '19.99'
 */
export function minorToDecimal(amountMinor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const sign = amountMinor < 0 ? '-' : '';
  const digits = Math.abs(amountMinor)
    .toString()
    .padStart(exponent + 1, '0');
  if (exponent === 0) return sign + digits;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}
