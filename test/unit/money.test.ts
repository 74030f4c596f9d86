import { describe, expect, it } from 'vitest';
import { Money } from '../../src/shared/money';

describe('Money', () => {
  it('should parse and print yuan with two decimals', () => {
    expect(Money.parse('100').toString()).toBe('100.00');
    expect(Money.parse('100.5').toString()).toBe('100.50');
    expect(Money.parse('0.07').cents).toBe(7);
  });

  it('should reject more than two decimals and non-numbers', () => {
    for (const bad of ['1.234', 'abc', '', '1e3', '1,000']) expect(() => Money.parse(bad), bad).toThrow();
  });

  it('should round a share half-up to the cent so that the two shares sum to the amount', () => {
    const amount = Money.parse('100.01');
    const city = amount.shareInBasisPoints(5000);
    expect(city.toString()).toBe('50.01');
    expect(amount.minus(city).toString()).toBe('50.00');
    expect(Money.parse('0.03').shareInBasisPoints(5000).toString()).toBe('0.02');
    expect(Money.parse('100.00').shareInBasisPoints(3333).toString()).toBe('33.33');
  });
});
