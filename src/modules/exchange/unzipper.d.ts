// The part of unzipper 0.10 (the ZIP reader exceljs streams XLSX files with) that zip-guard.ts uses.
declare module 'unzipper' {
  import type { Duplex, PassThrough } from 'node:stream';

  interface Entry extends PassThrough {
    path: string;
    type: 'File' | 'Directory';
    vars: { compressedSize: number; uncompressedSize: number };
    autodrain(): unknown;
  }

  /** forceStream: the entries are the stream's objects, in archive order. */
  export function Parse(options: { forceStream: true }): Duplex & AsyncIterable<Entry>;
}
