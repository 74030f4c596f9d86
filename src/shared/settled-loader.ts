import DataLoader from 'dataloader';

// A DataLoader that also answers synchronously once a key's value has arrived. A page resolver that knows its
// nested lists will be asked for loads them for the whole page first (one batch, the statement DataLoader would
// have sent anyway); the nested field then returns a plain value instead of a promise per list item (issue 11).

export class SettledLoader<Key, Value> {
  private readonly settled = new Map<Key, Value>();
  private readonly loader: DataLoader<Key, Value>;

  constructor(batch: (keys: readonly Key[]) => Promise<ReadonlyArray<Value | Error>>) {
    this.loader = new DataLoader<Key, Value>(async (keys) => {
      const values = await batch(keys);
      keys.forEach((key, index) => {
        const value = values[index];
        if (!(value instanceof Error)) this.settled.set(key, value as Value);
      });
      return values;
    });
  }

  /** The value: as is when it has arrived, else a promise batched with the other loads of this tick. */
  load(key: Key): Value | Promise<Value> {
    return this.settled.has(key) ? (this.settled.get(key) as Value) : this.loader.load(key);
  }

  /** Loads the keys in one batch; afterwards load() answers them synchronously. */
  async prime(keys: readonly Key[]): Promise<void> {
    await this.loader.loadMany(keys);
  }
}
