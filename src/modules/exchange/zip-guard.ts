import type { ArchiveLimits } from '../../shared/archive-limits';
import { TableReadError } from './table-read-error';

// An XLSX file is a ZIP archive. Before anything is inflated, its central directory (at the end of the
// file) is read and every entry's declared sizes checked: a 300 KB file must not be allowed to inflate
// to 300 MB of shared strings (held in memory by the reader) and end the process.

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

export async function checkArchive(file: RandomAccess, limits: ArchiveLimits): Promise<void> {
  checkArchiveEntries(await readCentralDirectory(file), limits);
}
