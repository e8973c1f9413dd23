import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalToMinor, minorToDecimal } from './money.ts';

describe('money in minor units', () => {
  it('converts decimal strings without float rounding errors', () => {
    expect(decimalToMinor('0.29', 'EUR')).toBe(29);
    expect(decimalToMinor('19.99', 'USD')).toBe(1999);
    expect(decimalToMinor('1.005', 'EUR')).toBe(101);
    expect(decimalToMinor('3', 'EUR')).toBe(300);
    expect(decimalToMinor(3, 'EUR')).toBe(300);
    expect(decimalToMinor('-4.5', 'EUR')).toBe(-450);
  });

  it('respects currencies with zero or three decimals', () => {
    expect(decimalToMinor('1500', 'JPY')).toBe(1500);
    expect(decimalToMinor('1.234', 'KWD')).toBe(1234);
    expect(minorToDecimal(1234, 'KWD')).toBe('1.234');
    expect(minorToDecimal(1500, 'JPY')).toBe('1500');
    expect(minorToDecimal(5, 'EUR')).toBe('0.05');
  });

  it('refuses what is not an amount', () => {
    expect(() => decimalToMinor('12,50', 'EUR')).toThrow(RangeError);
    expect(() => decimalToMinor('', 'EUR')).toThrow(RangeError);
    expect(() => decimalToMinor('abc', 'EUR')).toThrow(RangeError);
  });
});

describe('money in minor units, over arbitrary decimals', () => {
  /** The same rounding (half away from zero) in exact integer arithmetic. */
  const reference = (text: string, exponent: number): bigint => {
    const [, sign, whole, fraction = ''] = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text)!;
    const padded = fraction.padEnd(exponent + 1, '0');
    const kept = BigInt(`${whole}${padded.slice(0, exponent)}`);
    const rounded = Number(padded[exponent]) >= 5 ? kept + 1n : kept;
    return sign ? -rounded : rounded;
  };

  it('is exact whenever the result fits in a safe integer, and refuses it otherwise', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.bigInt({ min: 0n, max: 10n ** 14n })),
        fc.stringMatching(/^\d{0,6}$/),
        fc.constantFrom('EUR', 'JPY', 'KWD'),
        (negative, whole, fraction, currency) => {
          const text = `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
          const expected = reference(text, { EUR: 2, JPY: 0, KWD: 3 }[currency]!);
          const safe =
            expected <= BigInt(Number.MAX_SAFE_INTEGER) && expected >= -BigInt(Number.MAX_SAFE_INTEGER);
          if (safe) expect(decimalToMinor(text, currency)).toBe(Number(expected));
          else expect(() => decimalToMinor(text, currency)).toThrow(RangeError);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
