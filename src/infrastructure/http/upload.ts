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

/** Refuses at once what the headers already condemn; the body is discarded, not read. */
function refuseBeforeReading(request: Request, maxBytes: number): void {
  const contentType = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) {
    request.resume();
    throw BadUserInputError.single('file', 'send the file as multipart/form-data with a "file" part');
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
  writes: Array<Promise<void>>;
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
      pipeline(stream, counter, createWriteStream(temporaryPath)).then(() => {
        uploaded.bytes = counter.bytes;
        uploaded.sha256 = counter.hash.digest('hex');
      }),
    );
  });
}

export async function receiveUpload(request: Request, maxBytes: number, fileField = 'file'): Promise<Upload> {
  refuseBeforeReading(request, maxBytes);
  const temporaryPath = path.join(os.tmpdir(), `pension-aid-upload-${randomUUID()}`);
  const dispose = () => rm(temporaryPath, { force: true });
  const reception: Reception = { fields: {}, file: null, exceeded: false, extraFile: false, writes: [] };
  const parser = busboy({ headers: request.headers, limits: { fileSize: maxBytes, files: 2, fields: 20, fieldSize: 1024 } });
  receiveParts(parser, reception, fileField, temporaryPath);
  try {
    await pipeline(request, parser);
    await Promise.all(reception.writes);
  } catch (error) {
    await dispose();
    if (reception.exceeded) throw tooLarge(maxBytes);
    throw BadUserInputError.single('file', `the upload could not be read as multipart/form-data: ${(error as Error).message}`);
  }
  const refusal = reception.exceeded
    ? tooLarge(maxBytes)
    : reception.extraFile
      ? BadUserInputError.single('file', 'send exactly one file per import')
      : null;
  if (refusal !== null) {
    await dispose();
    throw refusal;
  }
  return { fields: reception.fields, file: reception.file, dispose };
}
