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

sql.empty = sql.raw('');
