/**
 * Counts device -> host reads by wrapping the active backend instance's `read` and `readSync`
 * (every `dataSync`, `data`, `array`, `arraySync` ends there). Some wasm kernels (Slice, for one)
 * call `readSync` internally; those count too, so compare counts of two loops that run the same
 * kernels and report the difference.
 */
import * as tf from '@tensorflow/tfjs';

/** A running count of reads; `stop()` puts the backend's methods back. */
export interface ReadCounter {
  readonly count: () => number;
  readonly reset: () => void;
  readonly stop: () => void;
}

type Readable = { read: (...args: unknown[]) => unknown; readSync: (...args: unknown[]) => unknown };

/**
 * Starts counting reads on the active backend.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { countReads } from './reads.js';
 * const reads = countReads();
 * tf.scalar(1).dataSync();
 * reads.count(); // 1
 * reads.stop();
 * ```
 */
export function countReads(): ReadCounter {
  const backend = tf.backend() as unknown as Readable;
  const own = {
    read: Object.prototype.hasOwnProperty.call(backend, 'read'),
    readSync: Object.prototype.hasOwnProperty.call(backend, 'readSync'),
  };
  const original = { read: backend.read, readSync: backend.readSync };
  let n = 0;
  backend.read = function (this: unknown, ...args: unknown[]) {
    n += 1;
    return original.read.apply(this, args);
  };
  backend.readSync = function (this: unknown, ...args: unknown[]) {
    n += 1;
    return original.readSync.apply(this, args);
  };
  return {
    count: () => n,
    reset: () => {
      n = 0;
    },
    stop: () => {
      for (const key of ['read', 'readSync'] as const) {
        if (own[key]) backend[key] = original[key];
        else delete (backend as Partial<Readable>)[key];
      }
    },
  };
}
