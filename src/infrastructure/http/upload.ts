import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
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

/** Refuses at once what the headers already condemn; the body is discarded, not read. */
function refuseBeforeReading(request: Request, maxBytes: number): void {
  const contentType = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) {
    request.resume();
    throw unreadable('send the file as multipart/form-data with a "file" part');
  }
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD) {
    request.resume();
    throw tooLarge(maxBytes);
  }
}

interface Reception {
  fields: Record<string, string>;
  file: UploadedFile | null;
  exceeded: boolean;
  extraFile: boolean;
  /**
   * Settled, never rejected (the error is the value): a failed write is never an unhandled rejection, and
   * the temporary file is removed only after its stream has closed (else a late open would recreate it).
   */
  writes: Array<Promise<Error | null>>;
}

/** Form fields are kept; the first `fileField` part is hashed while it streams to `temporaryPath`; other files are skipped. */
function receiveParts(parser: busboy.Busboy, reception: Reception, fileField: string, temporaryPath: string): void {
  parser.on('field', (name, value) => {
    reception.fields[name] = value;
  });
  parser.on('file', (name, stream, info) => {
    if (name !== fileField || reception.file !== null) {
      reception.extraFile = reception.extraFile || name === fileField;
      stream.resume();
      return;
    }
    const counter = new HashAndCount();
    stream.on('limit', () => {
      reception.exceeded = true;
    });
    const uploaded: UploadedFile = { path: temporaryPath, bytes: 0, sha256: '', filename: info.filename ?? '' };
    reception.file = uploaded;
    reception.writes.push(
      writeToFile(stream, counter, temporaryPath).then((error) => {
        if (error !== null) return error;
        uploaded.bytes = counter.bytes;
        uploaded.sha256 = counter.hash.digest('hex');
        return null;
      }),
    );
  });
}

/**
 * Streams `source` through `through` into a new file at `target`. Settles (never rejects: the error is the
 * value) only once the file is closed. A pipeline alone rejects as soon as the source fails, while the file's
 * open() may still be waiting in libuv's thread pool: removing the file then and letting that open complete
 * afterwards left a temporary upload behind for good (seen in CI under load).
 */
export function writeToFile(source: Readable, through: Transform, target: string): Promise<Error | null> {
  const file = createWriteStream(target);
  const closed = new Promise<void>((resolve) => file.once('close', resolve));
  return pipeline(source, through, file).then(
    () => closed.then(() => null),
    (error: unknown) => closed.then(() => error as Error),
  );
}

function createParser(request: Request, maxBytes: number): busboy.Busboy {
  try {
    return busboy({ headers: request.headers, limits: { fileSize: maxBytes, files: 2, fields: 20, fieldSize: 1024 } });
  } catch (error) {
    // busboy refuses a content type without a boundary (or with a malformed one) before reading anything.
    request.resume();
    throw unreadable(`the multipart/form-data content type cannot be used: ${(error as Error).message}`);
  }
}

/**
 * Feeds the request to the parser; resolves with why it failed (null when the form was complete).
 * Not stream.pipeline: on a parse error it would destroy the request, and with it the socket the answer
 * has to go out on. The request is unpiped and drained instead; a hang-up ends the parser.
 */
function parse(request: Request, parser: busboy.Busboy): Promise<{ failure: Error | null; aborted: boolean }> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (failure: Error | null, aborted = false) => {
      if (settled) return;
      settled = true;
      request.off('close', onClose);
      if (failure !== null) {
        request.unpipe(parser);
        if (!request.destroyed) request.resume();
        if (!parser.destroyed) parser.destroy(failure);
      }
      resolve({ failure, aborted });
    };
    const onClose = () => {
      if (!request.complete) settle(new Error('the client closed the connection'), true);
    };
    parser.once('finish', () => settle(null));
    // Kept after settling: a destroyed stream may still emit 'error', and an unheard one ends the process.
    parser.on('error', (error: Error) => settle(error));
    request.on('error', (error: Error) => settle(error));
    request.on('close', onClose);
    request.pipe(parser);
  });
}

function unreadableBody(failure: Error, aborted: boolean): BadUserInputError {
  if (aborted) return unreadable('the upload was interrupted before the multipart body was complete; send it again');
  if (/unexpected end/i.test(failure.message)) {
    return unreadable('the multipart body ended before its closing boundary; the upload is incomplete, send it again');
  }
  return unreadable(`the upload could not be read as multipart/form-data: ${failure.message}`);
}

export async function receiveUpload(
  request: Request,
  maxBytes: number,
  temporaryDirectory: string = os.tmpdir(),
  fileField = 'file',
): Promise<Upload> {
  refuseBeforeReading(request, maxBytes);
  const parser = createParser(request, maxBytes);
  const temporaryPath = path.join(temporaryDirectory, `pension-aid-upload-${randomUUID()}`);
  const dispose = () => rm(temporaryPath, { force: true });
  const reception: Reception = { fields: {}, file: null, exceeded: false, extraFile: false, writes: [] };
  receiveParts(parser, reception, fileField, temporaryPath);
  const { failure: parseFailure, aborted } = await parse(request, parser);
  const failure = parseFailure ?? (await Promise.all(reception.writes)).find((error) => error !== null) ?? null;
  if (parseFailure !== null) await Promise.all(reception.writes);
  const refusal = reception.exceeded
    ? tooLarge(maxBytes)
    : failure !== null
      ? unreadableBody(failure, aborted)
      : reception.extraFile
        ? unreadable('send exactly one file per import')
        : null;
  if (refusal !== null) {
    await dispose();
    throw refusal;
  }
  return { fields: reception.fields, file: reception.file, dispose };
}
