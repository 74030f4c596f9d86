import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoCity } from '../../src/modules/seed/demo-city-writer';
import { IdNumber } from '../../src/shared/id-number';
import {
  countExampleFencesIndependently,
  differences,
  normaliseText,
  parseJsonSequence,
  readmeExamples,
  type ReadmeExample,
} from '../support/readme-examples';
import { ShellSession } from '../support/shell-session';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/test-app';

// Runs every GraphQL and curl example of README.md, top to bottom, against one fresh server with the demo city
// (`npm run seed -- --demo`) on a real port, and requires the answer shown under each example (README, "How the
// examples work"). Tokens come from the real `npm run -s token`; curl examples run in one bash session with
// localhost:4000 replaced by the test server's address. README_EXAMPLES_PRINT=1 prints every actual answer.

const root = path.resolve(__dirname, '../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const examples = readmeExamples(readme);
const run = promisify(execFile);

function label(example: ReadmeExample): string {
  const who = example.as ? ` as ${example.as.department}${example.as.county ? ` of ${example.as.county}` : ''}` : '';
  return `README.md:${example.line} (${example.kind}${who})`;
}

describe('README examples', () => {
  let app: TestApp;
  let base: string;
  let shell: ShellSession;
  const tokens = new Map<string, Promise<string>>();
  const environment = { ...process.env, JWT_SECRET: TEST_JWT_SECRET, npm_config_update_notifier: 'false', NO_COLOR: '1' };
  // Files the examples write with `curl -o`, removed afterwards unless they were there before.
  const outputs = [
    ...new Set(examples.flatMap((example) => [...example.body.matchAll(/\s-o\s+([\w.-]+)/g)].map((match) => match[1]!))),
  ].filter((file) => !existsSync(path.join(root, file)));

  beforeAll(async () => {
    // Import jobs on, as `npm start` has them (README "Large files: import jobs").
    app = await startTestApp({
      importJobs: {
        asyncFromBytes: 5 * 1024 * 1024,
        heartbeatMs: 200,
        staleSeconds: 30,
        pollingSeconds: 0.5,
        expireSeconds: 3600,
        retryLimit: 2,
      },
    });
    await writeDemoCity(app.db);
    await new Promise<void>((resolve) => app.server.httpServer.listen(0, '127.0.0.1', resolve));
    base = `127.0.0.1:${(app.server.httpServer.address() as AddressInfo).port}`;
    shell = new ShellSession(root, environment);
  });

  afterAll(async () => {
    shell?.close();
    for (const file of outputs) rmSync(path.join(root, file), { force: true });
    await app?.close();
  });

  /** The token `npm run -s token -- --department D [--county C]` prints, once per identity. */
  function tokenFor(department: string, county: string | null): Promise<string> {
    const args = ['run', '-s', 'token', '--', '--department', department, ...(county ? ['--county', county] : [])];
    const key = args.join(' ');
    if (!tokens.has(key))
      tokens.set(
        key,
        run('npm', args, { cwd: root, env: environment }).then(({ stdout }) => stdout.trim()),
      );
    return tokens.get(key)!;
  }

  async function answerOf(example: ReadmeExample): Promise<{ json?: unknown[]; text: string }> {
    if (example.kind === 'graphql') {
      const { department, county, path: endpoint } = example.as!;
      const response = await fetch(`http://${base}${endpoint}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor(department, county)}` },
        body: JSON.stringify({ query: example.body }),
      });
      const text = await response.text();
      return { json: [JSON.parse(text)], text };
    }
    const result = await shell.run(example.body.replaceAll('localhost:4000', base));
    expect(result.stderr, 'the example wrote to stderr').toBe('');
    expect(result.status, 'exit status of the example').toBe(0);
    return { json: example.answer?.kind === 'json' ? parseJsonSequence(result.stdout) : undefined, text: result.stdout };
  }

  it('should find every fenced graphql block and every fenced block that calls curl, each with its answer', () => {
    expect(examples.length).toBeGreaterThan(0);
    expect(examples.length).toBe(countExampleFencesIndependently(readme));
    expect(examples.filter((example) => example.kind === 'graphql').length).toBeGreaterThan(0);
    expect(examples.filter((example) => example.kind === 'shell').length).toBeGreaterThan(0);
    expect(examples.flatMap((example) => example.problems.map((problem) => `${label(example)}: ${problem}`))).toEqual([]);
  });

  it('should use only valid ID numbers (R13: check character, real birth date), in examples and prose', () => {
    const idNumbers = [...new Set(readme.match(/(?<![\w-])(\d{17}[\dX]|\d{15})(?![\w-])/g) ?? [])];
    expect(idNumbers.length).toBeGreaterThan(10);
    expect(idNumbers.filter((idNumber) => IdNumber.tryParse(idNumber) === null)).toEqual([]);
  });

  for (const example of examples) {
    it(`should give the answer shown for ${label(example)}`, async () => {
      expect(example.problems).toEqual([]);
      // A reader takes longer than the audit buffer's one second between two examples.
      await app.server.audit.flush();
      const actual = await answerOf(example);
      if (process.env.README_EXAMPLES_PRINT) {
        process.stdout.write(
          `\n--- ${label(example)}\n${actual.json ? actual.json.map((value) => JSON.stringify(value, null, 2)).join('\n') : actual.text}\n`,
        );
      }
      const answer = example.answer!;
      if (answer.kind === 'text') {
        expect(normaliseText(actual.text)).toBe(normaliseText(answer.body));
        return;
      }
      const shown = parseJsonSequence(answer.body);
      expect(actual.json!.length, `number of JSON answers (shown at README.md:${answer.line})`).toBe(shown.length);
      const found = shown.flatMap((value, index) =>
        differences(value, actual.json![index], shown.length > 1 ? `answer ${index + 1} $` : '$'),
      );
      expect(found, `the answer shown at README.md:${answer.line} against the answer given:\n${actual.text}`).toEqual([]);
    });
  }
});
