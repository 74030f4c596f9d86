// Limits an uploaded XLSX archive is checked against before anything is inflated (a zip-bomb guard).
// Settings: PA_XLSX_MAX_* (src/config/config.ts); checked by src/modules/exchange/zip-guard.ts.

export interface ArchiveLimits {
  /** Entries in the archive. */
  maxEntries: number;
  /** Inflated size of any one entry (a worksheet is streamed, so this may be large). */
  maxEntryBytes: number;
  /** Inflated size of all entries together. */
  maxTotalBytes: number;
  /** Inflated size of xl/sharedStrings.xml, which the reader keeps in memory. */
  maxSharedStringsBytes: number;
  /** Inflated / compressed size, for entries that inflate beyond 1 MiB. */
  maxRatio: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 10_000,
  maxEntryBytes: 1024 * 1024 * 1024,
  maxTotalBytes: 2 * 1024 * 1024 * 1024,
  maxSharedStringsBytes: 64 * 1024 * 1024,
  maxRatio: 200,
};
