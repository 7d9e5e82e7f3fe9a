import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One run of the reference study (a row of `seed-results.csv`).
 *
 * @example
 * ```ts
 * import type { ReferenceResult } from './reference.js';
 * const pct = (r: ReferenceResult) => (r.testAcc === null ? 'n/a' : `${(100 * r.testAcc).toFixed(1)}%`);
 * ```
 */
export interface ReferenceResult {
  readonly scheduler: string;
  /** e.g. `version_10`: the matching per-epoch log is `seed-runs/<scheduler>-<version>.csv`. */
  readonly version: string;
  /** Base LR, or OneCycle's max LR. */
  readonly peakLr: number;
  /** CosineAnnealingWarmRestarts period in epochs, else null. */
  readonly t0: number | null;
  readonly epochs: number;
  readonly bestValAcc: number;
  /** 0-based. */
  readonly bestValEpoch: number;
  /** Test accuracy of the best-val checkpoint (null: the run stopped before testing). */
  readonly testAcc: number | null;
  readonly finalTrainLoss: number | null;
  readonly finalTrainAcc: number | null;
}

/**
 * One epoch of a reference run's log (`seed-runs/*.csv`; missing columns are null).
 *
 * @example
 * ```ts
 * import type { ReferenceEpoch } from './reference.js';
 * const e: ReferenceEpoch = { epoch: 0, lr: 1e-3, trainLoss: 2.1, trainAcc: 0.2, valAcc: null };
 * ```
 */
export interface ReferenceEpoch {
  readonly epoch: number;
  readonly lr: number | null;
  readonly trainLoss: number | null;
  readonly trainAcc: number | null;
  readonly valAcc: number | null;
}

/**
 * The reference study: its results table and, where present, each run's per-epoch log.
 *
 * @example
 * ```ts
 * import type { ReferenceStudy } from './reference.js';
 * const schedulers = (s: ReferenceStudy) => [...new Set(s.results.map((r) => r.scheduler))];
 * ```
 */
export interface ReferenceStudy {
  readonly dir: string;
  readonly results: readonly ReferenceResult[];
  /** Per-epoch logs keyed by `<scheduler>-<version>`. */
  readonly curves: Readonly<Record<string, readonly ReferenceEpoch[]>>;
}

function readCsv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  if (!header) return [];
  const keys = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [keys[i] ?? `col${i}`, v])));
}

function num(v: string | undefined): number | null {
  if (v === undefined || v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/**
 * Reads the reference study from a folder holding `seed-results.csv` (and optionally
 * `seed-runs/*.csv`), in place. Returns `null` when the folder or the results file is absent, so
 * reports can simply leave the reference out.
 *
 * @example
 * ```ts
 * import { loadReferenceStudy } from './reference.js';
 * const ref = loadReferenceStudy('../shared/reference');
 * ref?.results.length; // 73 when the shared folder is present
 * ```
 */
export function loadReferenceStudy(dir: string): ReferenceStudy | null {
  const file = join(dir, 'seed-results.csv');
  if (!existsSync(file)) return null;
  const results: ReferenceResult[] = readCsv(file).flatMap((row) => {
    const peakLr = num(row.base_lr_or_max_lr);
    const bestValAcc = num(row.best_val_acc);
    const bestValEpoch = num(row.best_val_epoch);
    if (!row.scheduler || peakLr === null || bestValAcc === null || bestValEpoch === null) return [];
    return [{
      scheduler: row.scheduler,
      version: (row.run_dir ?? '').split('/').pop() ?? '',
      peakLr,
      t0: num(row.T_0),
      epochs: num(row.epochs_logged) ?? 0,
      bestValAcc,
      bestValEpoch,
      testAcc: num(row.test_acc_of_best_ckpt),
      finalTrainLoss: num(row.final_train_loss),
      finalTrainAcc: num(row.final_train_acc),
    }];
  });
  const curves: Record<string, ReferenceEpoch[]> = {};
  const runsDir = join(dir, 'seed-runs');
  if (existsSync(runsDir)) {
    for (const name of readdirSync(runsDir).filter((f) => f.endsWith('.csv'))) {
      const byEpoch = new Map<number, { lr: number | null; trainLoss: number | null; trainAcc: number | null; valAcc: number | null }>();
      let lrEpoch = 0;
      for (const row of readCsv(join(runsDir, name))) {
        const lr = num(row['lr-AdamW']);
        const epoch = num(row.epoch);
        // LR rows carry no epoch: the n-th LR row is the LR of epoch n (logged at its start).
        const e = epoch ?? (lr !== null ? lrEpoch++ : null);
        if (e === null) continue;
        const cur = byEpoch.get(e) ?? { lr: null, trainLoss: null, trainAcc: null, valAcc: null };
        byEpoch.set(e, {
          lr: epoch === null && lr !== null ? lr : cur.lr,
          trainLoss: num(row.train_loss_epoch) ?? cur.trainLoss,
          trainAcc: num(row.train_acc_epoch) ?? cur.trainAcc,
          valAcc: num(row.val_acc_epoch) ?? cur.valAcc,
        });
      }
      // The last row (epoch = epochs) only carries the test accuracy: not an epoch of training.
      curves[name.replace(/\.csv$/, '')] = [...byEpoch]
        .filter(([, v]) => v.lr !== null || v.trainLoss !== null || v.trainAcc !== null || v.valAcc !== null)
        .sort((a, b) => a[0] - b[0])
        .map(([epoch, v]) => ({ epoch, ...v }));
    }
  }
  return { dir, results, curves };
}
