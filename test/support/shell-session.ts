import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// One bash process for all shell examples, as one terminal would be: a variable or function that one block
// defines is there for the next. Each block runs from a file with stdin from /dev/null (so that npm or curl
// cannot swallow the next block), then a marker on stdout and stderr says it is done.

export interface ShellResult {
  stdout: string;
  stderr: string;
  status: number;
}

export class ShellSession {
  private readonly bash: ChildProcessWithoutNullStreams;
  private readonly folder = mkdtempSync(path.join(os.tmpdir(), 'pa-readme-shell-'));
  private stdout = '';
  private stderr = '';
  private count = 0;

  constructor(cwd: string, env: NodeJS.ProcessEnv) {
    this.bash = spawn('bash', ['--noprofile', '--norc'], { cwd, env });
    this.bash.stdout.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.bash.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
  }

  async run(script: string, timeoutMs = 50_000): Promise<ShellResult> {
    const number = ++this.count;
    const file = path.join(this.folder, `block-${number}.sh`);
    writeFileSync(file, `${script}\n`);
    const marker = `__readme_block_${number}_done__`;
    this.bash.stdin.write(
      `source ${file} </dev/null; __status=$?; printf '\\n${marker} %s\\n' "$__status"; printf '\\n${marker}\\n' >&2\n`,
    );
    const ends = new RegExp(`\\n${marker} (\\d+)\\n`);
    const started = Date.now();
    for (;;) {
      const done = ends.exec(this.stdout);
      if (done && this.stderr.includes(`\n${marker}\n`)) {
        const result = {
          stdout: this.stdout.slice(0, done.index),
          stderr: this.stderr.slice(0, this.stderr.indexOf(`\n${marker}\n`)),
          status: Number(done[1]),
        };
        this.stdout = this.stdout.slice(done.index + done[0].length);
        this.stderr = this.stderr.slice(this.stderr.indexOf(`\n${marker}\n`) + marker.length + 2);
        return result;
      }
      if (this.bash.exitCode !== null) throw new Error(`bash exited (${this.bash.exitCode}); stderr: ${this.stderr}`);
      if (Date.now() - started > timeoutMs)
        throw new Error(`block ${number} did not finish in ${timeoutMs} ms; stdout so far: ${this.stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): void {
    this.bash.stdin.end();
    if (this.bash.exitCode === null) this.bash.kill();
    rmSync(this.folder, { recursive: true, force: true });
  }
}
