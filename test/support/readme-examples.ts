// Reads the example blocks of README.md and the answers shown under them (the convention is in README,
// "How the examples work"), and compares a shown answer with the one given.

export type AnswerKind = 'json' | 'text';

export interface ReadmeExample {
  kind: 'graphql' | 'shell';
  /** 1-based line of the opening fence. */
  line: number;
  body: string;
  /** graphql: the department and county of `# as DEPARTMENT [of COUNTY] [at /path]`, and the endpoint. */
  as?: { department: string; county: string | null; path: string };
  answer: { kind: AnswerKind; line: number; body: string } | null;
  /** What is wrong with the block itself (no `# as` line, no answer block, ...). */
  problems: string[];
}

interface Fence {
  language: string;
  line: number;
  body: string;
  /** Text between the previous fence's end and this fence's start. */
  before: string;
}

function fences(markdown: string): Fence[] {
  const lines = markdown.split('\n');
  const found: Fence[] = [];
  let gap: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const opening = /^(`{3,})\s*([\w-]*)/.exec(lines[index]!);
    if (!opening) {
      gap.push(lines[index]!);
      continue;
    }
    const close = opening[1]!;
    const body: string[] = [];
    let end = index + 1;
    while (end < lines.length && !lines[end]!.startsWith(close)) body.push(lines[end++]!);
    found.push({ language: opening[2]!.toLowerCase(), line: index + 1, body: body.join('\n'), before: gap.join('\n') });
    gap = [];
    index = end;
  }
  return found;
}

const GRAPHQL = new Set(['graphql', 'gql']);
const SHELL = new Set(['sh', 'bash', 'shell']);
const ANSWERS: Record<string, AnswerKind> = { json: 'json', text: 'text', csv: 'text' };
const AS_LINE = /^#\s*as\s+([A-Z_]+)(?:\s+of\s+(\d{6}))?(?:\s+at\s+(\/\S*))?\s*$/;

export function isExampleFence(language: string, body: string): boolean {
  return GRAPHQL.has(language) || (SHELL.has(language) && /\bcurl\b/.test(body));
}

export function readmeExamples(markdown: string): ReadmeExample[] {
  const all = fences(markdown);
  const examples: ReadmeExample[] = [];
  all.forEach((fence, index) => {
    if (!isExampleFence(fence.language, fence.body)) return;
    const problems: string[] = [];
    const next = all[index + 1];
    const answerKind = next && next.before.trim() === '' ? ANSWERS[next.language] : undefined;
    const answer = next && answerKind ? { kind: answerKind, line: next.line, body: next.body } : null;
    if (!answer) problems.push('no answer block (```json, ```csv or ```text) right after it');
    const example: ReadmeExample = {
      kind: GRAPHQL.has(fence.language) ? 'graphql' : 'shell',
      line: fence.line,
      body: fence.body,
      answer,
      problems,
    };
    if (example.kind === 'graphql') {
      const asLines = fence.body.split('\n').filter((text) => /^#\s*as\s/.test(text));
      const parsed = asLines.length === 1 ? AS_LINE.exec(asLines[0]!) : null;
      if (!parsed) problems.push('needs exactly one "# as DEPARTMENT [of COUNTY] [at /graphql/<view>]" line');
      else example.as = { department: parsed[1]!, county: parsed[2] ?? null, path: parsed[3] ?? '/graphql' };
    }
    examples.push(example);
  });
  return examples;
}

/** Counted without the parser above: every fenced block in graphql, or any fenced block that calls curl. */
export function countExampleFencesIndependently(markdown: string): number {
  const blocks = [...markdown.matchAll(/^```[ \t]*([\w-]*)[^\n]*\n([\s\S]*?)^```/gm)];
  return blocks.filter(([, language, body]) => /^(graphql|gql)$/i.test(language!) || /\bcurl\b/.test(body!)).length;
}

/** The JSON values of a text, one after another (curl prints one body per request, not always with a newline). */
export function parseJsonSequence(text: string): unknown[] {
  const values: unknown[] = [];
  let position = 0;
  while (position < text.length) {
    while (position < text.length && /\s/.test(text[position]!)) position++;
    if (position >= text.length) break;
    const start = position;
    if (text[position] === '{' || text[position] === '[') {
      let depth = 0;
      let inString = false;
      for (; position < text.length; position++) {
        const character = text[position]!;
        if (inString) {
          if (character === '\\') position++;
          else if (character === '"') inString = false;
        } else if (character === '"') inString = true;
        else if (character === '{' || character === '[') depth++;
        else if (character === '}' || character === ']') {
          depth--;
          if (depth === 0) {
            position++;
            break;
          }
        }
      }
    } else {
      while (position < text.length && !/\s/.test(text[position]!)) position++;
    }
    const slice = text.slice(start, position);
    try {
      values.push(JSON.parse(slice));
    } catch {
      throw new Error(`not JSON at character ${start}: ${slice.slice(0, 200)}`);
    }
  }
  return values;
}

export const ELLIPSIS = '…';

/**
 * Differences between a shown answer and the actual one. Everything is compared exactly except where the
 * shown answer says "…": as a value it stands for any value, as the last element of an array for any further
 * elements (the ones shown must come first), and as a key (`"…": "…"`) for any further keys of that object.
 */
export function differences(shown: unknown, actual: unknown, path = '$'): string[] {
  if (shown === ELLIPSIS) return [];
  if (Array.isArray(shown)) {
    if (!Array.isArray(actual)) return [`${path}: shown an array, got ${JSON.stringify(actual)}`];
    const open = shown.length > 0 && shown[shown.length - 1] === ELLIPSIS;
    const items = open ? shown.slice(0, -1) : shown;
    if (open ? actual.length < items.length : actual.length !== items.length) {
      return [`${path}: shown ${items.length}${open ? ' or more' : ''} elements, got ${actual.length}`];
    }
    return items.flatMap((item, index) => differences(item, actual[index], `${path}[${index}]`));
  }
  if (shown !== null && typeof shown === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual))
      return [`${path}: shown an object, got ${JSON.stringify(actual)}`];
    const shownObject = shown as Record<string, unknown>;
    const actualObject = actual as Record<string, unknown>;
    const open = ELLIPSIS in shownObject;
    const keys = Object.keys(shownObject).filter((key) => key !== ELLIPSIS);
    const found: string[] = keys.filter((key) => !(key in actualObject)).map((key) => `${path}.${key}: shown, but not in the answer`);
    if (!open) {
      for (const key of Object.keys(actualObject)) if (!(key in shownObject)) found.push(`${path}.${key}: in the answer, not shown`);
    }
    for (const key of keys) if (key in actualObject) found.push(...differences(shownObject[key], actualObject[key], `${path}.${key}`));
    return found;
  }
  return Object.is(shown, actual) ? [] : [`${path}: shown ${JSON.stringify(shown)}, got ${JSON.stringify(actual)}`];
}

/** Text answers: compared exactly, ignoring a byte-order mark, the line-ending style and trailing blanks. */
export function normaliseText(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();
}
