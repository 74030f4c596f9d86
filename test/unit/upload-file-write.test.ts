import { pbkdf2 } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { writeToFile } from '../../src/infrastructure/http/upload';

// A failed upload's temporary file is removed once its write has settled. That is only safe when the
// settling waits for the file to be closed: the source can fail while the file's open() is still queued in
// libuv's thread pool, and a file removed before that open completes is created again and left behind.

const directory = mkdtempSync(path.join(os.tmpdir(), 'pension-aid-write-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Keeps every thread of libuv's pool busy for a while, so an open() waits behind this work. */
const occupyThreadPool = () =>
  Promise.all(Array.from({ length: 8 }, () => new Promise((resolve) => pbkdf2('pension', 'aid', 200_000, 64, 'sha512', resolve))));

describe('writing an upload to its temporary file', () => {
  it('should settle a failed write only after the file is closed, so removing it then leaves nothing behind', async () => {
    const target = path.join(directory, 'failed-upload');
    const busy = occupyThreadPool();
    const source = new Readable({ read() {} });
    source.push(Buffer.alloc(1000, 'x'));
    setImmediate(() => source.destroy(new Error('Unexpected end of form')));
    const error = await writeToFile(source, new PassThrough(), target);
    expect(error?.message).toBe('Unexpected end of form');
    rmSync(target, { force: true });
    await busy;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(existsSync(target)).toBe(false);
  });

  it('should settle a complete write with null once every byte is in the closed file', async () => {
    const target = path.join(directory, 'complete-upload');
    const error = await writeToFile(Readable.from([Buffer.from('a,b\r\n'), Buffer.from('1,2\r\n')]), new PassThrough(), target);
    expect(error).toBeNull();
    expect(readFileSync(target, 'utf8')).toBe('a,b\r\n1,2\r\n');
  });
});
