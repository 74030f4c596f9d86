import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { isIsoDate } from '../dates';
import { Money } from '../money';

// The contract's scalars: Date is "YYYY-MM-DD" (no time zone); Decimal is yuan as a string with two decimals.

function literalString(ast: ValueNode, scalar: string): string {
  if (ast.kind !== Kind.STRING) throw new TypeError(`${scalar} must be given as a string`);
  return ast.value;
}

function parseDate(value: unknown): string {
  if (typeof value !== 'string' || !isIsoDate(value)) throw new TypeError('Date must be a real calendar date written YYYY-MM-DD');
  return value;
}

export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date, "YYYY-MM-DD"',
  serialize: (value) => {
    if (typeof value === 'string' && isIsoDate(value)) return value;
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    throw new TypeError('Date cannot represent this value');
  },
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(literalString(ast, 'Date')),
});

function parseDecimal(value: unknown): string {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !Money.isDecimalString(text)) {
    throw new TypeError('Decimal must be an amount in yuan with at most two decimals, e.g. "100.00"');
  }
  return Money.parse(text).toString();
}

export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description: 'An amount in yuan, serialised with two decimals: "100.00"',
  serialize: (value) => {
    if (value instanceof Money) return value.toString();
    if (typeof value === 'string' && Money.isCanonical(value)) return value;
    if (typeof value === 'string' && Money.isDecimalString(value)) return Money.parse(value).toString();
    if (typeof value === 'number' && Number.isFinite(value)) return Money.fromCents(Math.round(value * 100)).toString();
    throw new TypeError('Decimal cannot represent this value');
  },
  parseValue: parseDecimal,
  parseLiteral: (ast) =>
    ast.kind === Kind.INT || ast.kind === Kind.FLOAT ? parseDecimal(ast.value) : parseDecimal(literalString(ast, 'Decimal')),
});
