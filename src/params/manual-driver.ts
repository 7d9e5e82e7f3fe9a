import type { Driver, DriverHost } from './driver.js';

/**
 * The driver of a hand-set parameter: `initial` first, then whatever `set(value)` proposes. A
 * refused value is not warned about: `set` returns false to the caller who proposed it.
 *
 * @example
 * ```ts
 * import { param } from 'hyperschedule';
 * const batch = param('batchSize', { initial: 64 }, { domain: 'positiveInteger' });
 * batch.set(128); // true
 * ```
 */
export function manualDriver(host: DriverHost, initial: number): Driver {
  return {
    kind: 'manual',
    origin: 'set',
    initial: () => initial,
    set: (value, step) => host.propose(value, step),
  };
}
