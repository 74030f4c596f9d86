import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CompiledOperations, MAX_COMPILED_DOCUMENTS } from '../../src/app/compiled-execution';

// A server keeps the compilations of its most recently used documents only, whatever clients send.

const schema = buildSchema('type Query { a: Int b: Int }');

describe('compiled operations', () => {
  it('should keep at most its bound of documents, dropping the least recently used, and compile a document once while kept', () => {
    const operations = new CompiledOperations(2);
    const [a, b, c] = ['{ a }', '{ b }', '{ a b }'].map((text) => parse(text));
    expect(operations.of(schema, a!, null)).not.toBeNull();
    operations.of(schema, b!, null);
    operations.of(schema, a!, null); // a is now the most recently used
    expect(operations.counts.compiled).toBe(2);
    operations.of(schema, c!, null); // drops b
    expect(operations.size).toBe(2);
    operations.of(schema, a!, null);
    expect(operations.counts.compiled).toBe(3);
    operations.of(schema, b!, null); // compiled again
    expect(operations.counts.compiled).toBe(4);
    expect(operations.size).toBe(2);
  });

  it('should bound a server to a few hundred documents however many distinct ones arrive', () => {
    const operations = new CompiledOperations();
    for (let index = 0; index < MAX_COMPILED_DOCUMENTS + 50; index++) operations.of(schema, parse(`{ x${index}: a }`), null);
    expect(operations.size).toBe(MAX_COMPILED_DOCUMENTS);
    expect(MAX_COMPILED_DOCUMENTS).toBeLessThanOrEqual(300);
  });

  it('should give null for an operation it cannot compile (the executor then runs graphql-js)', () => {
    const operations = new CompiledOperations(2);
    expect(operations.of(schema, parse('query One { a } query Two { b }'), 'Three')).toBeNull();
    expect(operations.counts.notCompilable).toBe(1);
  });
});
