// A small tagged template for parameterised SQL: values never become text, fragments compose.
//   sql`select * from person where id = ${id} and ${otherFragment}`

export class SqlFragment {
  constructor(
    readonly strings: readonly string[],
    readonly values: readonly unknown[],
  ) {}

  /** Numbers the placeholders $1, $2, ... for node-postgres. */
  toQuery(): { text: string; values: unknown[] } {
    const values: unknown[] = [];
    const text = this.render(values);
    return { text, values };
  }

  private render(values: unknown[]): string {
    let text = this.strings[0] ?? '';
    this.values.forEach((value, index) => {
      if (value instanceof SqlFragment) {
        text += value.render(values);
      } else {
        values.push(value);
        text += `$${values.length}`;
      }
      text += this.strings[index + 1] ?? '';
    });
    return text;
  }
}

export function sql(strings: TemplateStringsArray, ...values: unknown[]): SqlFragment {
  return new SqlFragment(strings, values);
}

/** Trusted SQL text (identifiers, keywords chosen by code, never user input). */
sql.raw = (text: string): SqlFragment => new SqlFragment([text], []);

sql.join = (fragments: readonly SqlFragment[], separator: string): SqlFragment => {
  if (fragments.length === 0) return sql.raw('');
  const strings = ['', ...fragments.slice(1).map(() => separator), ''];
  return new SqlFragment(strings, fragments);
};

/**
 * The one way modules reach the database: statements written with `sql`, run on the application's one
 * pool. Inside `transaction`, the runner handed to `work` runs everything on the transaction's connection.
 */
export interface QueryRunner {
  rows<T>(query: SqlFragment): Promise<T[]>;
  one<T>(query: SqlFragment): Promise<T | undefined>;
  /** Runs a statement for its effect; returns the number of rows it touched. */
  execute(query: SqlFragment): Promise<number>;
  /** Runs `work` in one transaction, rolled back on any error; nested calls join the outer transaction. */
  transaction<T>(work: (transaction: QueryRunner) => Promise<T>): Promise<T>;
  /**
   * Where an analyst read (a report, an aggregate over the roster) runs: a read replica when the server has
   * one (DATABASE_REPLICA_URL), this runner otherwise. Inside a transaction it is the transaction itself, so
   * a read that must see the transaction's writes does. A report opts in with `context.db.analystReads()`;
   * everything else (writes, and reads that must see a write just made) stays on the primary.
   */
  analystReads(): QueryRunner;
}
