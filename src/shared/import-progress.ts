import type { Problem } from './errors';
import type { QueryRunner } from './sql';

// What an import reports while it runs, for an import job's progress (GET /jobs/:id, importJob).

/** How far reading has got; `problems()` sorts the list, so call it seldom. */
export interface ReadProgress {
  rowsRead: number;
  problemCount: number;
  finished: boolean;
  problems(): Problem[];
}

/** How one import is carried out: in its request (nothing set), or by an import job. */
export interface ImportRun {
  /** The job's transaction: the import's statements join it, so its result commits with them. */
  db?: QueryRunner;
  /** Told after each data row and once when reading is over; keep it cheap. */
  onProgress?: (progress: ReadProgress) => void;
  /** Bytes of the file read so far. */
  onBytes?: (bytesRead: number) => void;
}
