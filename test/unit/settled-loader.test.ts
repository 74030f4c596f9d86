import { describe, expect, it } from 'vitest';
import { SettledLoader } from '../../src/shared/settled-loader';

describe('SettledLoader', () => {
  it('should answer primed keys synchronously, in one batch, and others through the batched promise', async () => {
    const batches: number[][] = [];
    const loader = new SettledLoader<number, string>(async (keys) => {
      batches.push([...keys]);
      return keys.map((key) => (key < 0 ? new Error(`no ${key}`) : `value ${key}`));
    });
    await loader.prime([1, 2, 3]);
    expect(loader.load(2)).toBe('value 2');
    expect(batches).toEqual([[1, 2, 3]]);
    const later = loader.load(4);
    expect(later).toBeInstanceOf(Promise);
    await expect(later).resolves.toBe('value 4');
    expect(loader.load(4)).toBe('value 4');
    // An error is not kept as a value: it is reported through the promise every time.
    await expect(loader.load(-1)).rejects.toThrow('no -1');
    const again = loader.load(-1);
    expect(again).toBeInstanceOf(Promise);
    await expect(again).rejects.toThrow('no -1');
  });
});
