import { HyperscheduleError } from '../../errors.js';
import { defineFamily, type UnitArg } from '../define.js';
import type { LambdaFn } from '../schedule.js';

/** Arguments of {@link lambda}. */
export interface LambdaArgs extends UnitArg {
  /** The name the spec stores; `fromJSON(spec, { lambdas: { [name]: fn } })` finds the function by it. */
  readonly name: string;
  /** The function of time (PyTorch `lr_lambda` times the base LR). Must be pure for the schedule to be. */
  readonly fn: LambdaFn;
}

/**
 * A user function of time, `fn(t)` (PyTorch `LambdaLR` with the base folded in). The spec stores
 * only `name`: functions are not JSON, so rebuilding it takes the function again, passed to
 * `fromJSON(spec, { lambdas: { [name]: fn } })`. A non-finite result throws.
 *
 * @example
 * ```ts
 * import { fromJSON, lambda } from 'hyperschedule';
 * const decay = (t: number) => 0.1 / Math.sqrt(1 + t);
 * const lr = lambda({ name: 'sqrt-decay', fn: decay });
 * lr.at(3); // 0.05
 * lr.toJSON(); // { type: 'lambda', unit: 'step', name: 'sqrt-decay' }
 * fromJSON(lr.toJSON(), { lambdas: { 'sqrt-decay': decay } }).at(3); // 0.05
 * ```
 */
export const lambda = defineFamily<LambdaArgs>('lambda', ['name'], (r) => {
  // `fn` is read but not a spec field: decoding takes it from fromJSON's `lambdas` instead.
  const name = r.raw('name');
  if (typeof name !== 'string' || name.trim() === '') return r.fail('name', name, 'a non-empty string');
  let fn: unknown = r.raw('fn');
  if (r.decoding) {
    const given = Object.keys(r.lambdas);
    fn = Object.hasOwn(r.lambdas, name) ? r.lambdas[name] : undefined;
    if (typeof fn !== 'function') {
      r.fail('name', name, `one of fromJSON's lambdas: ${given.sort().join(', ') || 'none given'}`);
    }
  } else if (typeof fn !== 'function') {
    r.fail('fn', fn, 'a function (t: number) => number');
  }
  const f = fn as LambdaFn;
  const field = `lambda(${name})`;
  return {
    spec: { name, fn: undefined },
    at: (t) => {
      let value: unknown;
      try {
        value = f(t > 0 ? t : 0);
      } catch (e) {
        // A function that calls back into its own schedule never returns: name it, instead of
        // letting a bare "Maximum call stack size exceeded" surface from somewhere inside.
        if (isStackOverflow(e)) throw new HyperscheduleError(`${field}.at(${t})`, (e as Error).message, 'a function that does not recurse into its own schedule');
        throw e;
      }
      // A user function is the one family that can produce NaN; stop it here, not in the optimizer.
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new HyperscheduleError(`${field}.at(${t})`, value, 'a finite number');
      return value;
    },
  };
}, ['fn']);

/** V8's and SpiderMonkey's stack overflow (`RangeError` / `InternalError: too much recursion`). */
function isStackOverflow(e: unknown): boolean {
  return e instanceof Error && !(e instanceof HyperscheduleError) && /call stack|too much recursion/i.test(e.message);
}
