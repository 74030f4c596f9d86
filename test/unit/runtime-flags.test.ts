import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from '../../bench/lib/processes';

// The server's V8 flags are written in three places that cannot import each other: npm's scripts, the image's CMD,
// and the bench that measures them. They must say the same, or the bench measures a server nobody runs.

const ROOT = path.resolve(__dirname, '../..');

describe('runtime flags', () => {
  it('should start the server with the same V8 flags in npm start, npm run start:prod, the Dockerfile and the bench', () => {
    const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const flagsOf = (words: string[]) => words.filter((word) => word.startsWith('--max-'));
    expect(flagsOf(scripts.start!.split(' '))).toEqual([...SERVER_NODE_FLAGS]);
    expect(flagsOf(scripts['start:prod']!.split(' '))).toEqual([...SERVER_NODE_FLAGS]);
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'))![1]!;
    expect(flagsOf(JSON.parse(cmd) as string[])).toEqual([...SERVER_NODE_FLAGS]);
    expect(SERVER_NODE_FLAGS).toContain('--max-semi-space-size=32');
  });
});
