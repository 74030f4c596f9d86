import { describe, expect, it } from 'vitest';
import { SettledLoader } from '../../src/shared/settled-loader';

/** A loader over `value <key>` (an error for a negative key) that records each batch it is asked for. */
function recordingLoader(batch?: (keys: readonly number[]) => Promise<ReadonlyArray<string | Error>>) {
  const batches: number[][] = [];
  const loader = new SettledLoader<number, string>(async (keys) => {
    batches.push([...keys]);
    if (batch) return batch(keys);
    return keys.map((key) => (key < 0 ? new Error(`no ${key}`) : `value ${key}`));
  });
  return { loader, batches };
}

describe('SettledLoader', () => {
  it('should answer primed keys synchronously, in one batch, and others through the batched promise', async () => {
    const { loader, batches } = recordingLoader();
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

  it('should ask once for a key primed twice, loaded while it is primed, or primed while it is loaded, and batch the primes of a tick together', async () => {
    const { loader, batches } = recordingLoader();
    const priming = loader.prime([1, 2, 2, 3]);
    const duringPrime = loader.load(2);
    const primedAgain = loader.prime([3, 4]);
    const loaded = loader.load(5);
    const primeOfLoaded = loader.prime([5]);
    await Promise.all([priming, primedAgain, primeOfLoaded]);
    await expect(duringPrime).resolves.toBe('value 2');
    await expect(loaded).resolves.toBe('value 5');
    // Every key asked for once, and the primes of one tick in one batch (5, loaded before it was primed, may share it).
    expect(batches.flat().sort()).toEqual([1, 2, 3, 4, 5]);
    expect(batches.some((batch) => [1, 2, 3, 4].every((key) => batch.includes(key)))).toBe(true);
    await loader.prime([1, 2, 3, 4, 5]);
    expect(batches.flat()).toHaveLength(5);
    expect([1, 2, 3, 4, 5].map((key) => loader.load(key))).toEqual(['value 1', 'value 2', 'value 3', 'value 4', 'value 5']);
  });

  it('should resolve a prime whose batch fails and give each of its keys that error, without asking again', async () => {
    const { loader, batches } = recordingLoader(() => Promise.reject(new Error('database gone')));
    await expect(loader.prime([1, 2])).resolves.toBeUndefined();
    await expect(loader.load(1)).rejects.toThrow('database gone');
    await expect(loader.load(2)).rejects.toThrow('database gone');
    expect(batches).toEqual([[1, 2]]);
  });

  it('should give every key of a prime an error when its batch answers for fewer keys than it was asked', async () => {
    const { loader } = recordingLoader(async () => ['value 1']);
    await loader.prime([1, 2]);
    await expect(loader.load(1)).rejects.toThrow('the batch gave 1 values for 2 keys');
    await expect(loader.load(2)).rejects.toThrow('the batch gave 1 values for 2 keys');
  });
});
