import { skip } from 'rxjs';
import { HyperscheduleError } from '../errors.js';
import type { Driver, DriverHost, ParamNode } from './driver.js';

/**
 * The driver of a combined parameter: `fn` of its sources' current values (parameters or
 * constants). Syncing syncs the sources first, then proposes once; a source that changes between
 * syncs (a controller reacting to a metric) makes it propose again right away.
 *
 * @example
 * ```ts
 * import { combine, param } from 'hyperschedule';
 * const lr = param('lr', { initial: 0.1 });
 * combine('lr/2', [lr, 2], (a, b) => a / b).kind; // 'combined'
 * ```
 */
export function combinedDriver(host: DriverHost, inputs: readonly (ParamNode | number)[], fn: (...values: number[]) => number): Driver {
  const sources = inputs.filter((s): s is ParamNode => typeof s !== 'number');
  const candidate = (): number => fn(...inputs.map((s) => (typeof s === 'number' ? s : s.value)));
  // While syncing or restoring, sources change one by one; propose once at the end instead.
  let quiet = false;
  const whileQuiet = (work: () => void): void => {
    quiet = true;
    try {
      work();
    } finally {
      quiet = false;
    }
  };
  const subscriptions = sources.map((source) =>
    source.value$.pipe(skip(1)).subscribe(() => {
      if (!quiet) host.propose(candidate(), Math.max(host.step, source.step));
    }),
  );
  return {
    kind: 'combined',
    origin: 'combine',
    advice: `sources (${sources.map((s) => s.name).join(', ') || 'constants'}) that combine inside the domain`,
    sources,
    initial: candidate,
    sync(clock) {
      whileQuiet(() => {
        for (const source of sources) source.sync(clock);
      });
      host.propose(candidate(), clock.step);
    },
    bind(binding) {
      for (const source of sources) source.bind(binding);
    },
    unbind() {
      for (const source of sources) source.unbind();
    },
    state: () => ({ sources: inputs.map((s) => (typeof s === 'number' ? null : s.state())) }),
    prepareRestore(saved, field) {
      const states = saved.sources ?? [];
      if (states.length !== inputs.length) throw new HyperscheduleError(`${field}.sources`, states.length, `${inputs.length} source states`);
      const restores = inputs.map((source, i) => {
        if (typeof source === 'number') {
          if (states[i] !== null) throw new HyperscheduleError(`${field}.sources.${i}`, states[i], `null (source ${i} is the constant ${source})`);
          return () => {};
        }
        const s = states[i];
        if (!s) throw new HyperscheduleError(`${field}.sources.${i}`, s, `the state of ${source.name}`);
        return source.prepareRestore(s, `${field}.sources.${i}`);
      });
      return () => whileQuiet(() => restores.forEach((restore) => restore()));
    },
    describe: () => ({ sources: inputs.map((s) => (typeof s === 'number' ? s : s.describe())) }),
    dispose() {
      for (const s of subscriptions) s.unsubscribe();
    },
  };
}
