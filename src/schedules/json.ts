import { checkOptions, isRecord } from '../check.js';
import { HyperscheduleError } from '../errors.js';
import { batchSizeSchedule } from './batch/batch-size.js';
import { scaleLrForBatch } from './batch/batch-lr-scaling.js';
import { batchForDecay } from './batch/increase-batch.js';
import { clamp } from './combinators/clamp.js';
import { product } from './combinators/product.js';
import { quantize } from './combinators/quantize.js';
import { repeat } from './combinators/repeat.js';
import { scale } from './combinators/scale.js';
import { sequence } from './combinators/sequence.js';
import { shift } from './combinators/shift.js';
import { warmup } from './combinators/warmup.js';
import { MAX_NESTING, NESTING_ALLOWED, definitionOf, type Definition } from './define.js';
import { checkRunLength, type RunLength } from './duration.js';
import { constant } from './families/constant.js';
import { cosineWarmRestarts } from './families/cosine-warm-restarts.js';
import { cosine } from './families/cosine.js';
import { cyclic } from './families/cyclic.js';
import { exponentialDecay } from './families/exponential-decay.js';
import { inverseSqrt } from './families/inverse-sqrt.js';
import { inverseTime } from './families/inverse-time.js';
import { lambda } from './families/lambda.js';
import { linear } from './families/linear.js';
import { multiStepDecay } from './families/multi-step-decay.js';
import { oneCycle, oneCycleMomentum } from './families/one-cycle.js';
import { piecewiseConstant } from './families/piecewise-constant.js';
import { piecewiseLinear } from './families/piecewise-linear.js';
import { polynomial } from './families/polynomial.js';
import { stepDecay } from './families/step-decay.js';
import { tanhDecay } from './families/tanh-decay.js';
import { warmupStableDecay } from './families/warmup-stable-decay.js';
import { withNoise } from './families/with-noise.js';
import type { LambdaFn, Schedule, ScheduleSpec } from './schedule.js';

/** Every schedule `fromJSON` rebuilds: each factory carries its own fields and checks. */
const FACTORIES: readonly object[] = [
  constant, stepDecay, multiStepDecay, exponentialDecay, linear, polynomial, cosine, cosineWarmRestarts, cyclic,
  oneCycle, oneCycleMomentum, inverseTime, inverseSqrt, warmupStableDecay, tanhDecay, withNoise, piecewiseConstant,
  piecewiseLinear, lambda,
  warmup, sequence, product, scale, clamp, shift, repeat, quantize,
  batchSizeSchedule, scaleLrForBatch, batchForDecay,
];

const DEFINITIONS: ReadonlyMap<string, Definition> = new Map(FACTORIES.map((f) => [definitionOf(f).type, definitionOf(f)]));

/**
 * Every schedule `type` that {@link fromJSON} understands, sorted (internal: for errors, the CLI
 * and tests).
 *
 * @example
 * ```ts
 * scheduleTypes().includes('cosine'); // true
 * ```
 */
export function scheduleTypes(): string[] {
  return [...DEFINITIONS.keys()].sort();
}

/**
 * Options of {@link fromJSON}.
 *
 * @example
 * ```ts
 * import { fromJSON, type FromJSONOptions } from 'hyperschedule';
 * const options: FromJSONOptions = { run: { totalSteps: 1000 }, lambdas: { halving: (t) => 0.1 / 2 ** Math.floor(t / 10) } };
 * fromJSON({ type: 'lambda', name: 'halving' }, options).at(25); // 0.025
 * ```
 */
export interface FromJSONOptions {
  /** Run length to resolve time strings (`"6ep"`, `"0.1dur"`) in the spec. */
  readonly run?: RunLength;
  /** The functions `lambda` specs name: `{ type: 'lambda', name }` calls `lambdas[name]`. */
  readonly lambdas?: Readonly<Record<string, LambdaFn>>;
}

/**
 * Rebuilds a schedule from its JSON spec (the output of `schedule.toJSON()`, or a hand-written
 * config). Time strings in durations are resolved with `run`; `lambda` specs find their function
 * in `lambdas`. Every error names the path of the bad field.
 *
 * @example
 * ```ts
 * import { cosine, fromJSON } from 'hyperschedule';
 * const s = fromJSON(cosine({ init: 0.1, duration: 100 }).toJSON());
 * s.at(50); // 0.05
 * fromJSON({ type: 'cosine', init: 0.1, duration: '0.5dur' }, { run: { totalSteps: 200 } }).at(50); // 0.05
 * ```
 */
export function fromJSON(spec: unknown, options: FromJSONOptions = {}): Schedule {
  checkOptions(options, 'fromJSON.options', ['run', 'lambdas']);
  const run = checkRunLength(options.run, 'fromJSON.options.run');
  const lambdas = options.lambdas;
  if (lambdas !== undefined) {
    if (!isRecord(lambdas as unknown)) throw new HyperscheduleError('fromJSON.options.lambdas', lambdas, 'an object of functions { name: (t) => value }');
    for (const [name, fn] of Object.entries(lambdas)) {
      if (typeof fn !== 'function') throw new HyperscheduleError(`fromJSON.options.lambdas.${name}`, fn, 'a function (t: number) => number');
    }
  }
  // `level` counts nesting from the outermost spec (1): a deeper (or self-containing) spec is
  // refused before it is walked, naming where, instead of overflowing the stack.
  const decode = (child: unknown, path: string, level: number): Schedule => {
    if (level > MAX_NESTING) throw new HyperscheduleError(path, level, NESTING_ALLOWED);
    if (!isRecord(child)) throw new HyperscheduleError(path, child, 'a schedule spec object with a "type" field');
    const type = child.type;
    const definition = typeof type === 'string' ? DEFINITIONS.get(type) : undefined;
    if (!definition) throw new HyperscheduleError(`${path}.type`, type, `one of ${scheduleTypes().join(', ')}`);
    return definition.decode(child as ScheduleSpec, {
      ...(run ? { run } : {}),
      ...(lambdas ? { lambdas } : {}),
      // The key ("schedules[1]") lets combinators name where a bad child sits.
      decodeChild: (grandchild, key) => decode(grandchild, `${path}.${String(type)}.${key}`, level + 1),
    });
  };
  return decode(spec, 'spec', 1);
}
