/** A file that cannot be read as a table at all (broken zip, unclosed quote, an archive over a limit …). */
export class TableReadError extends Error {
  constructor(
    readonly row: number | null,
    message: string,
  ) {
    super(message);
  }
}
