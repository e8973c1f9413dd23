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
