import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { Request } from 'express';
import { BadUserInputError, PayloadTooLargeError } from '../../shared/errors';

// Streams a multipart upload to a temporary file while hashing it: the file never sits in memory,
// and the form fields (which may come after the file) are all known before parsing starts.

export interface UploadedFile {
  path: string;
  bytes: number;
  /** SHA-256 of the file's bytes, hex; the idempotency key of an import. */
  sha256: string;
  filename: string;
}

export interface Upload {
  fields: Record<string, string>;
  file: UploadedFile | null;
  /** Removes the temporary file. */
  dispose(): Promise<void>;
}

/** Multipart framing around the file: boundaries, part headers and small fields. */
const MULTIPART_OVERHEAD = 64 * 1024;

class HashAndCount extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}

function tooLarge(maxBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`The file is larger than the import limit of ${maxBytes} bytes; split it into smaller files`);
}

/** Why a multipart body could not be read, in words a client can act on. */
function unreadable(message: string): BadUserInputError {
  return BadUserInputError.single('file', message);
}

export async function receiveUpload(
  request: Request,
  maxBytes: number,
  temporaryDirectory: string = os.tmpdir(),
  fileField = 'file',
): Promise<Upload> {
  const contentType = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) {
    request.resume();
    throw unreadable('send the file as multipart/form-data with a "file" part');
  }
  // Refuse at once when the declared size already says so; the body is discarded, not read.
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD) {
    request.resume();
    throw tooLarge(maxBytes);
  }

  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: request.headers, limits: { fileSize: maxBytes, files: 2, fields: 20, fieldSize: 1024 } });
  } catch (error) {
    // busboy refuses a content type without a boundary (or with a malformed one) before reading anything.
    request.resume();
    throw unreadable(`the multipart/form-data content type cannot be used: ${(error as Error).message}`);
  }

  const fields: Record<string, string> = {};
  const temporaryPath = path.join(temporaryDirectory, `pension-aid-upload-${randomUUID()}`);
  const dispose = () => rm(temporaryPath, { force: true });
  let file: UploadedFile | null = null;
  let exceeded = false;
  let extraFile = false;
  // Every write is settled before anything is decided: a rejected write is never left unhandled, and the
  // temporary file is removed only after its stream has closed (else a late open would recreate it).
  const writes: Array<Promise<Error | null>> = [];
  parser.on('field', (name, value) => {
    fields[name] = value;
  });
  parser.on('file', (name, stream, info) => {
    if (name !== fileField || file !== null) {
      extraFile = extraFile || name === fileField;
      stream.resume();
      return;
    }
    const counter = new HashAndCount();
    stream.on('limit', () => {
      exceeded = true;
    });
    const uploaded: UploadedFile = { path: temporaryPath, bytes: 0, sha256: '', filename: info.filename ?? '' };
    file = uploaded;
    writes.push(
      pipeline(stream, counter, createWriteStream(temporaryPath)).then(
        () => {
          uploaded.bytes = counter.bytes;
          uploaded.sha256 = counter.hash.digest('hex');
          return null;
        },
        (error: unknown) => error as Error,
      ),
    );
  });

  // Not stream.pipeline: on a parse error it would destroy the request, and with it the socket the
  // answer has to go out on. The request is unpiped and drained instead; an aborted one ends the parser.
  let aborted = false;
  let failure = await new Promise<Error | null>((resolve) => {
    let settled = false;
    const settle = (error: Error | null) => {
      if (settled) return;
      settled = true;
      request.off('close', onClose);
      if (error !== null) {
        request.unpipe(parser);
        if (!request.destroyed) request.resume();
        if (!parser.destroyed) parser.destroy(error);
      }
      resolve(error);
    };
    const onClose = () => {
      if (request.complete) return;
      aborted = true;
      settle(new Error('the client closed the connection'));
    };
    parser.once('finish', () => settle(null));
    // Kept after settling: a destroyed stream may still emit 'error', and an unheard one ends the process.
    parser.on('error', (error: Error) => settle(error));
    request.on('error', (error: Error) => settle(error));
    request.on('close', onClose);
    request.pipe(parser);
  });
  const writeFailure = (await Promise.all(writes)).find((error) => error !== null) ?? null;
  failure ??= writeFailure;
  if (failure !== null || exceeded || extraFile) await dispose();
  if (exceeded) throw tooLarge(maxBytes);
  if (failure !== null) {
    if (aborted) throw unreadable('the upload was interrupted before the multipart body was complete; send it again');
    if (/unexpected end/i.test(failure.message)) {
      throw unreadable('the multipart body ended before its closing boundary; the upload is incomplete, send it again');
    }
    throw unreadable(`the upload could not be read as multipart/form-data: ${failure.message}`);
  }
  if (extraFile) throw unreadable('send exactly one file per import');
  return { fields, file, dispose };
}
