/**
 * Runs a set of training runs (a comparison or a sweep) as parallel worker processes through the
 * sweep runner, then prints the table and writes the report. Reruns on the same folder skip
 * finished trials and resume interrupted ones from their checkpoints.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HyperscheduleError } from 'hyperschedule';
import {
  expandSweep,
  parseSweepConfig,
  readJsonIfValid,
  readTrialRecord,
  runSweep,
  writeJsonAtomic,
  type SweepConfig,
  type SweepEvent,
  type SweepExecutor,
  type TrialRecord,
} from 'hyperschedule/node';
import { loadReferenceStudy } from './report/reference.js';
import { writeReport } from './report/html.js';
import type { ReportRun } from './report/types.js';
import { progressView, trialLabel, type ProgressMode } from './progress.js';
import { comparisonTable, formatTable, markdownTable, type TextTable } from './table.js';
import type { RunResult } from './train.js';
import { VARIANTS } from './variants.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/**
 * The repository root (two levels above this file).
 *
 * @example
 * ```ts
 * import { REPO_ROOT } from './study.js';
 * // join(REPO_ROOT, 'runs')
 * ```
 */
export const REPO_ROOT = resolve(HERE, '..', '..');
const TRIAL_SCRIPT = join(HERE, 'trial.ts');
/**
 * Where the reference study lives beside the repository (read in place, never copied).
 *
 * @example
 * ```ts
 * import { DEFAULT_REFERENCE_DIR } from './study.js';
 * DEFAULT_REFERENCE_DIR.endsWith('shared/reference'); // true
 * ```
 */
export const DEFAULT_REFERENCE_DIR = resolve(REPO_ROOT, '..', 'shared', 'reference');

/**
 * Options of {@link runStudy}.
 *
 * @example
 * ```ts
 * import type { StudyOptions } from './study.js';
 * const o: Partial<StudyOptions> = { workers: 2, out: 'runs/demo' };
 * ```
 */
export interface StudyOptions {
  /** The trials: run-config fields as `base` and grid axes (`variant`, `peakLr`, `t0`, ...). */
  readonly sweep: SweepConfig;
  readonly workers: number;
  readonly out: string;
  readonly title: string;
  readonly intro?: readonly string[];
  /** Shown in the report (the command line, the dataset line, ...). */
  readonly meta?: Readonly<Record<string, string>>;
  /** Progress bars (TTY), lines (one per finished epoch of each trial and per finished trial), or nothing. */
  readonly progress: ProgressMode;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
  /** Reference study folder; default ../shared/reference beside the repo (when absent, the report says so); null: none. */
  readonly referenceDir?: string | null;
  readonly report?: boolean;
  /** Longest a trial may run (default: no limit); then it is stopped (it checkpoints) and recorded as failed. */
  readonly trialTimeoutMs?: number;
  /** Where the trials run: worker processes here (default) or `queueExecutor(...)` (BullMQ workers). */
  readonly executor?: SweepExecutor;
}

/**
 * What {@link runStudy} produced.
 *
 * @example
 * ```ts
 * import type { StudyOutcome } from './study.js';
 * const ok = (o: StudyOutcome) => o.records.filter((r) => r.status === 'ok').length;
 * ```
 */
export interface StudyOutcome {
  readonly records: readonly TrialRecord<RunResult>[];
  readonly table: TextTable;
  readonly reportPath: string | null;
  /** The reference folder looked in when the report leaves the reference study out for want of it. */
  readonly referenceMissing: string | null;
  readonly aborted: boolean;
  /** Trials another process is running (their lock is held): not run here, not in the table. */
  readonly locked: number;
  readonly backend: string | null;
  /** What this invocation ran: trials, their optimizer updates and the wall time of the sweep. */
  readonly throughput: Throughput;
}

/**
 * The trials a study ran in this invocation (not those skipped as done before), their optimizer
 * updates in total and the sweep's wall time: the throughput of the executor and its workers.
 *
 * @example
 * ```ts
 * import type { Throughput } from './study.js';
 * const perSecond = (t: Throughput) => t.updates / (t.wallMs / 1000);
 * ```
 */
export interface Throughput {
  readonly trials: number;
  readonly updates: number;
  readonly wallMs: number;
}

/**
 * One line saying how fast a study's trials ran, e.g. `throughput: 4 runs, 3520 updates in 61.2 s
 * wall = 57.5 updates/s (queue executor)`; `undefined` when nothing ran.
 *
 * @example
 * ```ts
 * import { throughputLine } from './study.js';
 * throughputLine({ trials: 2, updates: 100, wallMs: 4000 }, 'local'); // 'throughput: 2 runs, 100 updates in 4.0 s wall = 25.0 updates/s (local executor)'
 * ```
 */
export function throughputLine(t: Throughput, executor: string): string | undefined {
  if (t.trials === 0 || t.wallMs <= 0) return undefined;
  return `throughput: ${t.trials} run${t.trials === 1 ? '' : 's'}, ${t.updates} updates in ${(t.wallMs / 1000).toFixed(1)} s wall = ${(t.updates / (t.wallMs / 1000)).toFixed(1)} updates/s (${executor} executor)`;
}

/**
 * A `requeued` event (the queue runs a trial again) as the progress view shows the end of an
 * attempt: the attempt's record, its summary saying what happens next.
 *
 * @example
 * ```ts
 * import { requeuedAsFinished } from './study.js';
 * // view.onEvent(requeuedAsFinished(event)) // '✗ constant @ 0.010 s0: failed — Error: boom — retried in 10 s'
 * ```
 */
export function requeuedAsFinished(e: Extract<SweepEvent<RunResult>, { type: 'requeued' }>): Extract<SweepEvent<RunResult>, { type: 'finished' }> {
  const next = e.record.status === 'interrupted' ? 'another worker resumes it' : `retried in ${Number((e.delayMs / 1000).toPrecision(2))} s`;
  const why = e.record.status === 'interrupted' ? 'its worker stopped answering' : e.record.summary ?? e.record.error?.split('\n')[0] ?? 'failed';
  return { type: 'finished', trial: e.trial, record: { ...e.record, summary: `${why} — ${next}` } };
}

function parseResult(value: unknown): RunResult {
  const r = value as Partial<RunResult> | null;
  if (!r || typeof r.testAcc !== 'number' || !Array.isArray(r.epochs) || !r.config || !r.variant) throw new Error('not a run result');
  return r as RunResult;
}

/** Maps finished trials to the report's runs. */
function reportRuns(records: readonly TrialRecord<RunResult>[]): ReportRun[] {
  return records.flatMap((r) => {
    if (r.status !== 'ok' || !r.result) return [];
    const x = r.result;
    return [{
      id: r.id,
      variant: x.variant.name,
      label: x.variant.label,
      peakLr: x.config.peakLr,
      seed: x.config.seed,
      t0: r.params.t0 !== undefined ? x.config.t0 ?? null : null,
      testAcc: x.testAcc,
      bestValAcc: x.bestValAcc,
      bestEpoch: x.bestEpoch,
      updates: x.updates,
      wallMs: x.wallMs,
      epochs: x.epochs.map((e) => ({ epoch: e.epoch, trainLoss: e.trainLoss, trainAcc: e.trainAcc, valLoss: e.valLoss, valAcc: e.valAcc })),
      trajectory: x.trajectory,
    }];
  });
}

// Kept here too: the one-line summary of a finished trial was first exported from this module.
export { finishedLine } from './progress.js';

/**
 * Runs the trials of `options.sweep` in up to `workers` parallel processes (`node --import tsx
 * examples/vit/trial.ts`) — or, with `options.executor` a queue executor, as BullMQ jobs that
 * workers run (`npm run worker -- --redis ...`) — then writes `table.txt`, `table.md`, `results.json` and the report into
 * `options.out`.
 *
 * @example
 * ```ts
 * import { runStudy } from './study.js';
 * // await runStudy({ sweep: { name: 'demo', base: { dataset: 'mnist', epochs: 1, trainSize: 400 }, grids: [{ variant: ['constant'], peakLr: [1e-3] }], seeds: 1 },
 * //   workers: 1, out: 'runs/demo', title: 'Demo', progress: 'lines', log: console.log });
 * ```
 */
export async function runStudy(options: StudyOptions): Promise<StudyOutcome> {
  const { out, log } = options;
  const trials = expandSweep(options.sweep);
  await writeJsonAtomic(join(out, 'sweep.json'), options.sweep);
  // What the report says, kept so `report <dir>` can render it again later.
  await writeJsonAtomic(join(out, 'study.json'), { title: options.title, intro: options.intro ?? [], meta: options.meta ?? {} });
  const tsx = import.meta.resolve('tsx');
  // Each distinct backend line once (workers normally agree; one that fell back is shown too).
  const seen = new Set<string>();
  const view = progressView(options.progress, log);
  const ranHere = new Set<string>();
  const started = Date.now();
  const outcome = await (async () => {
    try {
      return await runSweep<RunResult>({
        dir: out,
        trials,
        concurrency: options.workers,
        ...(options.executor ? { executor: options.executor } : {}),
        parseResult,
        ...(options.trialTimeoutMs !== undefined ? { trialTimeoutMs: options.trialTimeoutMs } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        command: (trial, paths) => ({
          command: process.execPath,
          args: ['--import', tsx, TRIAL_SCRIPT, JSON.stringify(trial.params), paths.dir, paths.result],
          cwd: REPO_ROOT,
        }),
        onEvent: (e) => {
          if (e.type === 'message' && (e.data as { type?: string }).type === 'backend') {
            const line = String((e.data as { summary?: unknown }).summary);
            if (!seen.has(line)) view.log(`${line} (in ${seen.size === 0 ? 'each worker' : `worker ${trialLabel(e.trial.params)}`})`);
            seen.add(line);
          }
          if (e.type === 'skipped') view.log(`↷ ${trialLabel(e.trial.params)}: already done (${e.record.status}), skipped`);
          if (e.type === 'locked') view.log(`⧗ ${trialLabel(e.trial.params)}: not started here, ${e.message}`);
          if (e.type === 'finished') ranHere.add(e.trial.id);
          // A trial the queue runs again: this attempt ends in the view, the next one starts anew.
          view.onEvent(e.type === 'requeued' ? requeuedAsFinished(e) : e);
        },
      });
    } finally {
      view.stop();
    }
  })();
  const records = outcome.records;
  const wallMs = Date.now() - started;
  const ran = records.filter((r) => ranHere.has(r.id));
  const throughput: Throughput = { trials: ran.length, updates: ran.reduce((sum, r) => sum + (r.result?.updates ?? 0), 0), wallMs };
  const backend = seen.size > 0 ? [...seen].join('; ') : null;
  const { table, reportPath, referenceMissing } = await writeStudyOutputs(out, records, {
    title: options.title,
    ...(options.intro ? { intro: options.intro } : {}),
    meta: { ...(options.meta ?? {}), ...(backend ? { backend } : {}) },
    ...(options.referenceDir !== undefined ? { referenceDir: options.referenceDir } : {}),
    report: options.report !== false,
  });
  return { records, table, reportPath, referenceMissing, aborted: outcome.aborted, locked: outcome.locked, backend, throughput };
}

/**
 * Writes what a study produced into `out`: `table.txt`, `table.md`, `results.json` (each trial
 * with the backend its worker ran: `backend` as `tf.getBackend()` named it, `backendDescription`
 * as `selectBackend` explained it) and (unless `report: false`) the HTML report with its SVG
 * figures. The report lists the backends the results ran on and, when the reference folder holds
 * no study, says so (`referenceMissing` is then that folder).
 *
 * @example
 * ```ts
 * import { loadStudyRecords, writeStudyOutputs } from './study.js';
 * // const records = await loadStudyRecords('runs/compare-...');
 * // await writeStudyOutputs('runs/compare-...', records, { title: 'Again' });
 * ```
 */
export async function writeStudyOutputs(
  out: string,
  records: readonly TrialRecord<RunResult>[],
  options: { title: string; intro?: readonly string[]; meta?: Readonly<Record<string, string>>; referenceDir?: string | null; report?: boolean },
): Promise<{ table: TextTable; reportPath: string | null; referenceMissing: string | null }> {
  const table = comparisonTable(records);
  await writeFile(join(out, 'table.txt'), `${formatTable(table)}\n`);
  await writeFile(join(out, 'table.md'), `${markdownTable(table)}\n`);
  await writeJsonAtomic(join(out, 'results.json'), {
    table,
    trials: records.map((r) => ({ id: r.id, params: r.params, status: r.status, ...(r.result ? {
      testAcc: r.result.testAcc, bestValAcc: r.result.bestValAcc, bestEpoch: r.result.bestEpoch, updates: r.result.updates, wallMs: r.result.wallMs,
      backend: r.result.backend, backendDescription: r.result.backendDescription,
    } : { error: r.error }) })),
  });
  if (options.report === false || records.length === 0) return { table, reportPath: null, referenceMissing: null };
  const referenceDir = options.referenceDir === undefined ? DEFAULT_REFERENCE_DIR : options.referenceDir;
  const reference = referenceDir && existsSync(referenceDir) ? loadReferenceStudy(referenceDir) : null;
  const referenceMissing = referenceDir && !reference ? resolve(referenceDir) : null;
  // What the results actually ran on (also for trials finished by an earlier run of this folder).
  const backends = [...new Set(records.flatMap((r) => (r.result ? [r.result.backendDescription ?? r.result.backend] : [])))];
  const present = new Set(records.map((r) => String(r.params.variant)));
  const { html } = await writeReport({
    title: options.title,
    ...(options.intro ? { intro: options.intro } : {}),
    meta: { ...(options.meta ?? {}), ...(backends.length > 0 ? { backend: backends.join('; ') } : {}), 'results folder': resolve(out) },
    runs: reportRuns(records),
    variants: Object.values(VARIANTS).filter((v) => present.has(v.name)).map((v) => ({ name: v.name, label: v.label, description: v.description })),
    table,
    failures: records.filter((r) => r.status !== 'ok').map((r) => ({ id: r.id, label: trialLabel(r.params), error: r.error ?? r.status })),
    reference,
    ...(referenceMissing ? { referenceMissing } : {}),
  }, out);
  return { table, reportPath: html, referenceMissing };
}

/**
 * Reads the trial records of a study folder (its `sweep.json` and `trials/*.json`), for
 * re-rendering a report or summarising a sweep that is still running.
 *
 * @example
 * ```ts
 * import { loadStudyRecords } from './study.js';
 * // (await loadStudyRecords('runs/study-sweep')).filter((r) => r.status === 'ok').length
 * ```
 */
export async function loadStudyRecords(out: string): Promise<{
  sweep: SweepConfig;
  records: TrialRecord<RunResult>[];
  title: string;
  intro: string[];
  meta: Record<string, string>;
}> {
  const raw = await readJsonIfValid(join(out, 'sweep.json'));
  if (raw === undefined) throw new HyperscheduleError('study folder', out, 'a folder written by a comparison or sweep (with sweep.json)');
  const sweep = parseSweepConfig(raw);
  const records: TrialRecord<RunResult>[] = [];
  for (const t of expandSweep(sweep)) {
    const r = await readTrialRecord(out, t.id, parseResult);
    if (r) records.push(r);
  }
  const about = (await readJsonIfValid(join(out, 'study.json'))) as { title?: string; intro?: string[]; meta?: Record<string, string> } | undefined;
  return { sweep, records, title: about?.title ?? `Study ${sweep.name}`, intro: about?.intro ?? [], meta: about?.meta ?? {} };
}
