/**
 * The description of one training run of the study, as plain JSON: what a sweep trial carries to
 * its worker process, what a checkpoint is checked against, what a result records.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { HyperscheduleError } from 'hyperschedule';

/**
 * How often the schedulers move: once per epoch (the reference study, PyTorch's `scheduler.step()`
 * per epoch) or every update.
 *
 * @example
 * ```ts
 * import type { Stepping } from './config.js';
 * const s: Stepping = 'epoch';
 * ```
 */
export type Stepping = 'epoch' | 'step';

const schema = z
  .object({
    /** `cifar10` (from `dataDir`, `$CIFAR10_DIR` or the cache) or the bundled `mnist` digits. */
    dataset: z.enum(['cifar10', 'mnist']).default('mnist'),
    dataDir: z.string().min(1).optional(),
    preset: z.enum(['tiny', 'small', 'reference']).default('tiny'),
    epochs: z.number().int().min(1).default(4),
    /** Images of the training set used (seeded sample, before the train/val split); absent = all. */
    trainSize: z.number().int().min(20).optional(),
    /** Images of the test set used (seeded sample); absent = all. */
    testSize: z.number().int().min(10).optional(),
    valFraction: z.number().gt(0).lt(1).default(0.1),
    /** Base batch size (the study: 512, drop last). */
    batchSize: z.number().int().min(1).default(64),
    /** Validate every this many epochs (the study: 5), and always after the last one. */
    evalEvery: z.number().int().min(1).default(1),
    evalBatch: z.number().int().min(1).default(500),
    stepping: z.enum(['epoch', 'step']).default('step'),
    variant: z.string().min(1),
    peakLr: z.number().gt(0).lt(10),
    /** Warm-restarts period in epochs (default: a quarter of the run). */
    t0: z.number().gt(0).optional(),
    seed: z.number().int().default(0),
    /** Seed of the data subset and the train/val split (the study: 42). */
    dataSeed: z.number().int().default(42),
    augment: z.enum(['reference', 'padded', 'none']).default('reference'),
    weightDecay: z.number().min(0).default(1e-4),
    beta1: z.number().min(0).lt(1).default(0.9),
    beta2: z.number().min(0).lt(1).default(0.999),
    epsilon: z.number().gt(0).default(1e-8),
    /**
     * The best backend to try (`selectBackend`'s `prefer`; `--backend` on the command line). What
     * actually ran is recorded in the result (`backend`, `backendDescription`).
     */
    preferBackend: z.enum(['tensorflow', 'wasm', 'cpu']).default('tensorflow'),
  })
  .strict();

/**
 * One run, fully specified (defaults filled in).
 *
 * @example
 * ```ts
 * import { parseRunConfig } from './config.js';
 * parseRunConfig({ variant: 'one-cycle', peakLr: 5e-3 }).batchSize; // 64
 * ```
 */
export type RunConfig = z.output<typeof schema>;

/**
 * A run config as written by hand or on a command line: everything but `variant` and `peakLr` optional.
 *
 * @example
 * ```ts
 * import type { RunConfigInput } from './config.js';
 * const c: RunConfigInput = { variant: 'one-cycle', peakLr: 5e-3, epochs: 10 };
 * ```
 */
export type RunConfigInput = z.input<typeof schema>;

/**
 * Checks a run config and fills in defaults; errors name the field, the value and what is allowed.
 *
 * @example
 * ```ts
 * import { parseRunConfig } from './config.js';
 * parseRunConfig({ variant: 'constant', peakLr: 2e-3, epochs: 2 }).stepping; // 'step'
 * ```
 */
export function parseRunConfig(value: unknown): RunConfig {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  let at: unknown = value;
  for (const k of issue.path) at = (at as Record<PropertyKey, unknown> | undefined)?.[k as PropertyKey];
  throw new HyperscheduleError(['run', ...issue.path.map(String)].join('.'), at, issue.message);
}

/**
 * A short hash of everything that shapes a run's trajectory (a checkpoint resumes only into the
 * run it came from). `preferBackend` and `dataDir` are left out: they change where, not what.
 *
 * @example
 * ```ts
 * import { parseRunConfig, runConfigHash } from './config.js';
 * runConfigHash(parseRunConfig({ variant: 'constant', peakLr: 1e-3 })).length; // 16
 * ```
 */
export function runConfigHash(config: RunConfig): string {
  const { preferBackend: _b, dataDir: _d, ...shape } = config;
  const sorted = Object.fromEntries(Object.entries(shape).sort(([a], [b]) => a.localeCompare(b)));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16);
}
