import { describe, expect, it } from 'vitest';
import { countExampleFencesIndependently, differences, parseJsonSequence, readmeExamples } from '../support/readme-examples';

describe('README example blocks', () => {
  const markdown = [
    'Text.',
    '```graphql',
    '# as CIVIL_AFFAIRS of 530102 at /graphql/civil-affairs',
    '{ persons { totalCount } }',
    '```',
    '',
    '```json',
    '{ "data": { "persons": { "totalCount": 6 } } }',
    '```',
    '```sh',
    'curl -s localhost:4000/healthz',
    '```',
    'Some prose in between.',
    '```json',
    '{}',
    '```',
    '```sh',
    'npm ci',
    '```',
    '```graphql',
    '{ persons { totalCount } }',
    '```',
    '```csv',
    'a,b',
    '```',
  ].join('\n');

  it('should read the token line, the endpoint and the answer right after an example', () => {
    const [first] = readmeExamples(markdown);
    expect(first).toMatchObject({
      kind: 'graphql',
      line: 2,
      as: { department: 'CIVIL_AFFAIRS', county: '530102', path: '/graphql/civil-affairs' },
      answer: { kind: 'json', line: 7 },
      problems: [],
    });
  });

  it('should report an answer separated by prose as missing and a graphql block without "# as"', () => {
    const [, curl, graphql] = readmeExamples(markdown);
    expect(curl!.problems).toEqual([expect.stringContaining('no answer block')]);
    expect(graphql!.problems).toEqual([expect.stringContaining('# as DEPARTMENT')]);
    expect(graphql!.answer).toMatchObject({ kind: 'text', body: 'a,b' });
  });

  it('should not take a shell block without curl for an example, and count the same blocks without the parser', () => {
    expect(readmeExamples(markdown)).toHaveLength(3);
    expect(countExampleFencesIndependently(markdown)).toBe(3);
    expect(countExampleFencesIndependently('```console\ncurl -s x\n```\n')).toBe(1);
    expect(readmeExamples('```console\ncurl -s x\n```\n')).toHaveLength(0);
  });
});

describe('parseJsonSequence', () => {
  it('should split bodies printed one after another, with or without newlines, strings with brackets included', () => {
    expect(parseJsonSequence('{"a":"}{"}{"b":[1,{"c":"\\""}]}\n[2]\ntrue')).toEqual([{ a: '}{' }, { b: [1, { c: '"' }] }, [2], true]);
  });

  it('should refuse text that is not JSON', () => {
    expect(() => parseJsonSequence('200 OK')).toThrow(/not JSON/);
  });
});

describe('differences between a shown answer and the actual one', () => {
  it('should compare exactly where there is no "…"', () => {
    expect(differences({ a: 1, b: [1, 2] }, { a: 1, b: [1, 2] })).toEqual([]);
    expect(differences({ a: 1 }, { a: 1, b: 2 })).toEqual(['$.b: in the answer, not shown']);
    expect(differences({ a: 1, b: 2 }, { a: 1 })).toEqual(['$.b: shown, but not in the answer']);
    expect(differences([1, 2], [1, 2, 3])).toEqual(['$: shown 2 elements, got 3']);
    expect(differences({ a: '1' }, { a: 1 })).toEqual(['$.a: shown "1", got 1']);
    expect(differences(null, {})).toEqual(['$: shown null, got {}']);
  });

  it('should let "…" stand for any value, further elements after the ones shown, and further keys', () => {
    expect(differences({ at: '…' }, { at: '2026-01-01T00:00:00Z' })).toEqual([]);
    expect(differences([1, '…'], [1, 2, 3])).toEqual([]);
    expect(differences([1, '…'], [2, 3])).toEqual(['$[0]: shown 1, got 2']);
    expect(differences([1, 2, '…'], [1])).toEqual(['$: shown 2 or more elements, got 1']);
    expect(differences({ code: 'X', '…': '…' }, { code: 'X', stacktrace: [] })).toEqual([]);
    expect(differences({ code: 'X', '…': '…' }, { stacktrace: [] })).toEqual(['$.code: shown, but not in the answer']);
  });
});
