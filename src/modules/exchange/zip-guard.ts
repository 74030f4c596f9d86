import type { Readable } from 'node:stream';
import { Parse } from 'unzipper';
import type { ArchiveLimits } from '../../shared/archive-limits';
import { TableReadError } from './table-read-error';

// An XLSX file is a ZIP archive. Before anything is inflated, its central directory (at the end of the
// file) is read and every entry's declared sizes checked: a 300 KB file must not be allowed to inflate
// to 300 MB of shared strings (held in memory by the reader) and end the process. Declared sizes can lie,
// so the archive is then inflated once, counting the bytes that really come out against the same limits
// and stopping at the first one passed, before the reader inflates any of it.

/** Below this inflated size an entry's ratio is not checked (tiny entries of a real file compress very well). */
const RATIO_FLOOR_BYTES = 1024 * 1024;

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;

export interface ArchiveEntry {
  name: string;
  compressedBytes: number;
  inflatedBytes: number;
}

export interface RandomAccess {
  size(): Promise<number>;
  read(position: number, length: number): Promise<Buffer>;
}

function refuse(message: string): TableReadError {
  return new TableReadError(null, `the XLSX file is refused: ${message}`);
}

/** The central directory's entries; throws TableReadError when the archive is not a readable ZIP. */
export async function readCentralDirectory(file: RandomAccess): Promise<ArchiveEntry[]> {
  const size = await file.size();
  const tailLength = Math.min(size, EOCD_SIZE + MAX_COMMENT);
  const tail = await file.read(size - tailLength, tailLength);
  let at = -1;
  for (let index = tail.length - EOCD_SIZE; index >= 0; index--) {
    if (tail.readUInt32LE(index) === EOCD_SIGNATURE) {
      at = index;
      break;
    }
  }
  if (at < 0) throw refuse('it is not a complete ZIP archive (no end of central directory)');
  const entries = tail.readUInt16LE(at + 10);
  const directoryBytes = tail.readUInt32LE(at + 12);
  const directoryOffset = tail.readUInt32LE(at + 16);
  if (entries === 0xffff || directoryBytes === 0xffffffff || directoryOffset === 0xffffffff) {
    throw refuse('ZIP64 archives are not accepted (a spreadsheet under the upload limit never needs one)');
  }
  if (directoryOffset + directoryBytes > size) throw refuse('its central directory lies outside the file');
  const directory = await file.read(directoryOffset, directoryBytes);
  const listed: ArchiveEntry[] = [];
  let offset = 0;
  for (let index = 0; index < entries; index++) {
    if (offset + 46 > directory.length || directory.readUInt32LE(offset) !== CENTRAL_SIGNATURE) {
      throw refuse('its central directory is damaged');
    }
    const compressedBytes = directory.readUInt32LE(offset + 20);
    const inflatedBytes = directory.readUInt32LE(offset + 24);
    const nameLength = directory.readUInt16LE(offset + 28);
    const extraLength = directory.readUInt16LE(offset + 30);
    const commentLength = directory.readUInt16LE(offset + 32);
    if (compressedBytes === 0xffffffff || inflatedBytes === 0xffffffff) {
      throw refuse('ZIP64 entries are not accepted (a spreadsheet under the upload limit never needs one)');
    }
    const name = directory.toString('utf8', offset + 46, offset + 46 + nameLength);
    listed.push({ name, compressedBytes, inflatedBytes });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return listed;
}

/** Throws TableReadError naming the limit when an entry or the whole archive would inflate beyond it. */
export function checkArchiveEntries(entries: readonly ArchiveEntry[], limits: ArchiveLimits): void {
  if (entries.length > limits.maxEntries) throw refuse(`it has ${entries.length} entries, more than the limit of ${limits.maxEntries}`);
  let total = 0;
  for (const entry of entries) {
    total += entry.inflatedBytes;
    if (entry.inflatedBytes > limits.maxEntryBytes) {
      throw refuse(`entry "${entry.name}" inflates to ${entry.inflatedBytes} bytes, more than the limit of ${limits.maxEntryBytes}`);
    }
    if (/(^|\/)sharedStrings\.xml$/i.test(entry.name) && entry.inflatedBytes > limits.maxSharedStringsBytes) {
      throw refuse(`its shared strings inflate to ${entry.inflatedBytes} bytes, more than the limit of ${limits.maxSharedStringsBytes}`);
    }
    if (entry.inflatedBytes > RATIO_FLOOR_BYTES) {
      const ratio = entry.inflatedBytes / Math.max(entry.compressedBytes, 1);
      if (ratio > limits.maxRatio) {
        throw refuse(
          `entry "${entry.name}" inflates ${Math.round(ratio)} times (${entry.compressedBytes} → ${entry.inflatedBytes} bytes), more than the limit of ${limits.maxRatio}`,
        );
      }
    }
  }
  if (total > limits.maxTotalBytes) throw refuse(`it inflates to ${total} bytes in all, more than the limit of ${limits.maxTotalBytes}`);
}

/** What one entry's real inflated size may reach, and the message when it goes beyond. */
function entryLimit(name: string, limits: ArchiveLimits): { bytes: number; what: string } {
  if (/(^|\/)sharedStrings\.xml$/i.test(name) && limits.maxSharedStringsBytes < limits.maxEntryBytes) {
    return { bytes: limits.maxSharedStringsBytes, what: 'its shared strings inflate to' };
  }
  return { bytes: limits.maxEntryBytes, what: `entry "${name}" inflates to` };
}

/**
 * Inflates every entry of `input` with the reader's own ZIP parser (unzipper, so the entries counted are the
 * ones exceljs reads, local headers and all), discarding the output, and throws TableReadError naming the
 * limit as soon as an entry, the shared strings, the whole archive or an entry's real ratio goes beyond it.
 * Nothing inflated is kept: memory stays at the parser's buffers whatever the archive holds.
 */
export async function checkInflatedSizes(input: Readable, limits: ArchiveLimits, declared: readonly ArchiveEntry[] = []): Promise<void> {
  const compressedSizes = new Map(declared.map((entry) => [entry.name, entry.compressedBytes]));
  const parser = Parse({ forceStream: true });
  // unzipper reports a damaged entry (inflate error, file ended) on the parser, not on the entry, and may do so
  // before the entry is read (whose stream then never ends): the failure is kept and ends the entry.
  let reading: Readable | null = null;
  let failure: Error | null = null;
  parser.on('error', (error: Error) => {
    failure = error;
    reading?.destroy(error);
  });
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);
  let entries = 0;
  let total = 0;
  try {
    for await (const entry of parser) {
      if (++entries > limits.maxEntries) throw refuse(`it has more than ${limits.maxEntries} entries`);
      const limit = entryLimit(entry.path, limits);
      // Streamed archives (exceljs writes them) give 0 in the local header: the central directory's size, if any.
      const compressed = entry.vars.compressedSize || compressedSizes.get(entry.path) || null;
      let inflated = 0;
      reading = entry;
      // Leaving the loop early destroys the entry with an AbortError: its failure is seen here, never as an uncaught error.
      entry.on('error', () => undefined);
      if (failure !== null) throw failure;
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        inflated += chunk.length;
        total += chunk.length;
        if (inflated > limit.bytes) {
          throw refuse(`${limit.what} more than the limit of ${limit.bytes} bytes (stopped after ${inflated} inflated bytes)`);
        }
        if (total > limits.maxTotalBytes) {
          throw refuse(`it inflates to more than ${limits.maxTotalBytes} bytes in all, the limit (stopped after ${total} inflated bytes)`);
        }
        if (compressed !== null && inflated > RATIO_FLOOR_BYTES && inflated / compressed > limits.maxRatio) {
          throw refuse(
            `entry "${entry.path}" inflates more than ${limits.maxRatio} times its ${compressed} compressed bytes, the limit (stopped after ${inflated} inflated bytes)`,
          );
        }
      }
    }
  } catch (error) {
    if (error instanceof TableReadError) throw error;
    throw new TableReadError(null, `the XLSX file cannot be read: ${(error as Error).message}`);
  } finally {
    input.unpipe(parser);
    input.destroy();
    parser.destroy();
  }
}

export async function checkArchive(file: RandomAccess, limits: ArchiveLimits): Promise<void> {
  checkArchiveEntries(await readCentralDirectory(file), limits);
}
