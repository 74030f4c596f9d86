import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// `npm run load` (bench/load.ts) for a few seconds on a small city, so that the script cannot rot: it must
// seed, start the production server, drive the four kinds, find every acknowledged write and exit 0.

const REPO = path.resolve(__dirname, '../..');

function runLoad(args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/load.ts', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (status) => resolve({ status, output }));
  });
}

describe('npm run load (smoke)', () => {
  it('should run a short mixed load with no error and find every acknowledged write in the database', { timeout: 300_000 }, async () => {
    const { status, output } = await runLoad(['--duration', '3', '--persons', '300', '--connections', '1']);
    expect(output).toMatch(/^read\s+\d+/m);
    expect(output).toMatch(/^payment\s+[1-9]\d*\s/m);
    expect(output).toMatch(/^roster\s+[1-9]\d*\s/m);
    expect(output).toContain('writes missing in the database: 0 payments, 0 roster submissions (0 persons)');
    expect(output).toContain('OK: no errors, every acknowledged write is in the database');
    expect(status).toBe(0);
  });
});
