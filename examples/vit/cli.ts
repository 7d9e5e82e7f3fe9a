/**
 * The command line of the study (`npm run example -- [options]`, i.e. `node --import tsx examples/main.ts`):
 * - default: compare fixed and scheduled hyperparameters at one peak LR, as parallel workers;
 * - `sweep`: the reference study's search space (schedulers x LR grid, warm restarts over T_0) x seeds;
 * - `train`: one run in this process, with a progress bar, Ctrl-C checkpoint and `--resume`.
 * Ctrl-C, SIGTERM and SIGHUP stop every command after the current update with a checkpoint
 * (exit 130, 143, 129); a second Ctrl-C quits at once.
 */
import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { HyperscheduleError } from 'hyperschedule';
import { expandSweep, linspace, logspace, queueExecutor, selectBackend, writeJsonAtomic, type SweepConfig, type SweepExecutor, type TrialParams } from 'hyperschedule/node';
import { runByNpm, stopOnSignals, type StopSignal } from '../shared/stop-signals.js';
import { parseRunConfig, type RunConfigInput } from './config.js';
import { resolveDatasetSource, type DatasetSource } from './data.js';
import { dataCounts, dataUsedLine } from './data-counts.js';
import { smokeRunNotice } from './notice.js';
import { REPO_ROOT, loadStudyRecords, runStudy, throughputLine, writeStudyOutputs, type StudyOutcome } from './study.js';
import { formatTable } from './table.js';
import { trainRun } from './train.js';
import { DEFAULT_VARIANTS, VARIANTS } from './variants.js';

/**
 * Where runs go by default: `runs/` in the repository (gitignored).
 *
 * @example
 * ```ts
 * import { RUNS_DIR } from './cli.js';
 * RUNS_DIR.endsWith('runs'); // true
 * ```
 */
export const RUNS_DIR = join(REPO_ROOT, 'runs');

/**
 * The study's LR schedulers, as variant names (warm restarts are swept over T_0 separately).
 *
 * @example
 * ```ts
 * import { STUDY_SCHEDULERS } from './cli.js';
 * STUDY_SCHEDULERS.length; // 6
 * ```
 */
export const STUDY_SCHEDULERS = ['constant', 'constant-warmup', 'cosine', 'cosine-warmup', 'step', 'one-cycle'] as const;

/**
 * Input and output of the CLI (tests capture them).
 *
 * @example
 * ```ts
 * import type { CliIo } from './cli.js';
 * const io: CliIo = { log: console.log, error: console.error, tty: false };
 * ```
 */
export interface CliIo {
  readonly log: (line: string) => void;
  readonly error: (line: string) => void;
  /** Draw progress bars (default: when stderr is a terminal). */
  readonly tty?: boolean;
}

/** A number written in decimal (`12`, `0.5`, `5e3`): `Number()` alone reads `0x10` as 16 and `' 5'` or `''` as numbers. */
const DECIMAL = /^[0-9]+(?:\.[0-9]+)?(?:[eE]\+?[0-9]+)?$/;
const decimal = (v: string): number => (DECIMAL.test(v) ? Number(v) : Number.NaN);
const intArg = (min: number) => (v: string): number => {
  const n = decimal(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
  return n;
};
const sizeArg = (v: string): number | 'all' => (v === 'all' ? 'all' : intArg(1)(v));
const numberList = (v: string): number[] => {
  const values = v.split(',').map((x) => Number(x.trim()));
  if (values.length === 0 || values.some((x) => !Number.isFinite(x) || x <= 0)) throw new InvalidArgumentError('expected comma-separated numbers > 0');
  return values;
};
const variantList = (v: string): string[] => {
  if (v === 'all') return Object.keys(VARIANTS);
  if (v === 'default') return [...DEFAULT_VARIANTS];
  const names = v.split(',').map((x) => x.trim()).filter(Boolean);
  const unknown = names.filter((n) => !VARIANTS[n]);
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown variant ${unknown.join(', ')}; one of ${Object.keys(VARIANTS).join(', ')}, or all / default`);
  return names;
};
const oneOf = (allowed: readonly string[]) => (v: string): string => {
  if (!allowed.includes(v)) throw new InvalidArgumentError(`expected one of ${allowed.join(', ')}`);
  return v;
};

interface RunOptions {
  dataset: string;
  dataDir?: string;
  download: boolean;
  preset: string;
  epochs: number;
  trainSize: number | 'all';
  testSize: number | 'all';
  batchSize: number;
  evalEvery: number;
  stepping: string;
  stepsPerEpochMode?: string;
  augment: string;
  backend: string;
  dataSeed: number;
  weightDecay?: number;
}

type RunDefaults = Pick<RunOptions, 'dataset' | 'preset' | 'epochs' | 'trainSize' | 'testSize' | 'batchSize' | 'evalEvery' | 'stepping'>;

function addRunOptions(cmd: Command, d: RunDefaults): Command {
  return cmd
    .option('--dataset <name>', 'auto (CIFAR-10 if present, else the bundled MNIST digits), cifar10 or mnist', oneOf(['auto', 'cifar10', 'mnist']), d.dataset)
    .option('--data-dir <dir>', 'folder holding CIFAR-10 (cifar-10-batches-bin/); also $CIFAR10_DIR')
    .option('--no-download', 'never download CIFAR-10 (170 MB) when it is not found')
    .option('--preset <name>', 'ViT size: tiny, small or reference (the study: 12.5M parameters)', oneOf(['tiny', 'small', 'reference']), d.preset)
    .option('--epochs <n>', 'epochs per run', intArg(1), d.epochs)
    .option('--train-size <n|all>', 'training images used (seeded sample, then a 90/10 train/val split)', sizeArg, d.trainSize)
    .option('--test-size <n|all>', 'test images used (seeded sample)', sizeArg, d.testSize)
    .option('--batch-size <n>', 'base batch size (drop last)', intArg(1), d.batchSize)
    .option('--eval-every <n>', 'validate every n epochs (and after the last)', intArg(1), d.evalEvery)
    .option('--stepping <mode>', 'schedulers stepped per "epoch" (the study) or per "step"', oneOf(['epoch', 'step']), d.stepping)
    .addOption(new Option('--steps-per-epoch-mode <mode>', 'same as --stepping').argParser(oneOf(['epoch', 'step'])).hideHelp())
    .option('--augment <name>', 'reference (RandomResizedCrop + flip), padded (pad-4 crop + flip) or none', oneOf(['reference', 'padded', 'none']), 'reference')
    .option('--backend <name>', 'best backend to try: tensorflow (tfjs-node[-gpu]), wasm or cpu', oneOf(['tensorflow', 'wasm', 'cpu']), 'tensorflow')
    .option('--data-seed <n>', 'seed of the data subset and split (the study: 42)', intArg(0), 42)
    .option('--weight-decay <x>', 'weight decay of the variants that hold it constant (default 1e-4, the study\'s)', nonNegativeArg);
}

function nonNegativeArg(v: string): number {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || x < 0) throw new InvalidArgumentError('expected a finite number >= 0');
  return x;
}

function runBase(o: RunOptions, source: DatasetSource): Omit<RunConfigInput, 'variant' | 'peakLr'> {
  return {
    dataset: source.dataset,
    ...(source.dataDir ? { dataDir: resolve(source.dataDir) } : {}),
    preset: o.preset as RunConfigInput['preset'],
    epochs: o.epochs,
    ...(o.trainSize !== 'all' ? { trainSize: o.trainSize } : {}),
    ...(o.testSize !== 'all' ? { testSize: o.testSize } : {}),
    batchSize: o.batchSize,
    evalEvery: o.evalEvery,
    stepping: (o.stepsPerEpochMode ?? o.stepping) as 'epoch' | 'step',
    augment: o.augment as RunConfigInput['augment'],
    preferBackend: o.backend as RunConfigInput['preferBackend'],
    dataSeed: o.dataSeed,
    ...(o.weightDecay !== undefined ? { weightDecay: o.weightDecay } : {}),
  };
}

/** The dataset line, then what a run of `base` uses of it (after the subset and the split). */
function logDataset(io: CliIo, source: DatasetSource, base: Omit<RunConfigInput, 'variant' | 'peakLr'>): string | undefined {
  io.log(source.description);
  if (!source.available) return undefined;
  const config = parseRunConfig({ ...base, variant: 'constant', peakLr: 1e-3 });
  const line = dataUsedLine(dataCounts(config, source.available), config.valFraction);
  io.log(line);
  return line;
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
}

function latestRun(prefix: string): string | undefined {
  if (!existsSync(RUNS_DIR)) return undefined;
  const dirs = readdirSync(RUNS_DIR).filter((d) => d.startsWith(prefix)).sort();
  return dirs.length > 0 ? join(RUNS_DIR, dirs[dirs.length - 1]!) : undefined;
}

const STOP_WORDS: Readonly<Record<StopSignal, string>> = { SIGINT: 'Ctrl-C', SIGTERM: 'SIGTERM', SIGHUP: 'SIGHUP (terminal or parent gone)' };

/**
 * Ctrl-C, SIGTERM and SIGHUP stop the command: the first lets runs in progress checkpoint, a
 * second Ctrl-C quits at once. Run by npm, the parent shell dying counts as SIGTERM's stand-in.
 */
function interruptible(io: CliIo, what: string): { signal: AbortSignal; exitCode: () => number; release: () => void } {
  const stop = stopOnSignals({
    quitOnSecondInterrupt: true,
    watchParent: true,
    watchParentPid: runByNpm(),
    onStop: (signal) => io.error(`\n${STOP_WORDS[signal]}: stopping; ${what} (Ctrl-C again to quit now)`),
  });
  return { signal: stop.signal, exitCode: stop.exitCode, release: stop.release };
}

function finish(outcome: StudyOutcome, out: string, io: CliIo, resumeHint: string, exitCode: () => number, executor = 'local'): number {
  io.log('');
  io.log(formatTable(outcome.table));
  const speed = throughputLine(outcome.throughput, executor);
  if (speed) io.log(`\n${speed}`);
  if (outcome.reportPath) io.log(`\nreport: ${outcome.reportPath}`);
  if (outcome.reportPath && outcome.referenceMissing) {
    io.log(`  (without the reference study's figures: no seed-results.csv in ${outcome.referenceMissing}; the report says how to add them)`);
  }
  io.log(`results: ${out} (table.txt, table.md, results.json, trials/)`);
  if (outcome.aborted) {
    io.log(`interrupted — continue with: ${resumeHint}`);
    return exitCode();
  }
  const failed = outcome.records.filter((r) => r.status !== 'ok');
  if (failed.length > 0) io.error(`${failed.length} run(s) failed; their logs are in ${join(out, 'trials')}/<id>/log.txt (rerun to retry them)`);
  if (outcome.locked > 0) {
    io.error(`${outcome.locked} run(s) are running in another process (see above) and are not in this table; \`node --import tsx examples/main.ts report ${out}\` renders them once they end`);
  }
  return failed.length > 0 || outcome.locked > 0 ? 1 : 0;
}

function commandLine(argv: readonly string[]): string {
  return ['node --import tsx examples/main.ts', ...argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))].join(' ');
}

/** The command line that continues an interrupted `train`: the same one with `--out <its folder> --resume`. */
function resumeCommand(argv: readonly string[], out: string): string {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--resume' || argv[i]!.startsWith('--out=')) continue;
    if (argv[i] === '--out') {
      i += 1;
      continue;
    }
    kept.push(argv[i]!);
  }
  return commandLine([...kept, '--out', out, '--resume']);
}

const minutesArg = (v: string): number => {
  const n = decimal(v);
  if (!Number.isFinite(n) || n <= 0 || n * 60_000 > 2 ** 31 - 1) throw new InvalidArgumentError('expected minutes > 0 (at most 35791)');
  return n;
};

/** The executor options the comparison and `sweep` share. */
interface ExecutorOptions {
  executor: string;
  redis?: string;
  queue?: string;
}

const redisArg = (v: string): string => {
  if (v !== 'auto' && !/^rediss?:\/\/[^/\s]/.test(v)) throw new InvalidArgumentError('expected redis://HOST:PORT, or auto');
  return v;
};

function addExecutorOptions(cmd: Command): Command {
  return cmd
    .option('--executor <name>', 'local (worker processes here) or queue (BullMQ jobs on Redis, run by `npm run worker` anywhere)', oneOf(['local', 'queue']), 'local')
    .option('--redis <url|auto>', 'with the queue: redis://HOST:PORT of the workers\' Redis, or auto (a private redis-server and --workers local workers); implies --executor queue', redisArg)
    .option('--queue <name>', 'with the queue: its name (default hyperschedule-<out folder>-<hash>; a worker without --queue serves every sweep)');
}

/**
 * The executor asked for: undefined for the local one (the default). \`--redis\` alone means the
 * queue; \`--executor queue\` needs it.
 */
function executorOf(o: ExecutorOptions, chosen: boolean, io: CliIo): SweepExecutor | undefined {
  const queue = o.executor === 'queue' || (!chosen && o.redis !== undefined);
  if (!queue) {
    if (o.redis !== undefined || o.queue !== undefined) throw new HyperscheduleError(o.redis !== undefined ? '--redis' : '--queue', o.redis ?? o.queue, 'only with --executor queue');
    return undefined;
  }
  if (o.redis === undefined) throw new HyperscheduleError('--redis', undefined, 'redis://HOST:PORT of the Redis the workers use, or auto (a private redis-server here), with --executor queue');
  return queueExecutor({ redis: o.redis, ...(o.queue !== undefined ? { queue: o.queue } : {}), workerCommand: 'npm run worker --', log: io.log });
}

/** Where the runs go, for the first line: worker processes here, local queue workers, or a queue. */
function whereRuns(o: ExecutorOptions & { workers: number }, runs: number): string {
  if (o.redis === 'auto') return `${o.workers} local queue worker(s) on a private redis-server`;
  if (o.redis !== undefined) return `queued on ${o.redis.replace(/\/\/[^@/]*@/, '//***@')} for the workers there`;
  return `${Math.min(o.workers, runs)} worker(s)`;
}

/** A library error about the queue's `redis` option, named as this command line's `--redis`. */
function asCommandLineError(err: unknown): unknown {
  return err instanceof HyperscheduleError && err.field === 'redis' ? new HyperscheduleError('--redis', err.value, err.allowed) : err;
}

const QUICK = { epochs: 2, trainSize: 500, testSize: 300, variants: ['constant', 'cosine-warmup', 'one-cycle', 'batch-growth'] };

/**
 * Builds the commander program. `argv` (without node and script) is kept for the report.
 *
 * @example
 * ```ts
 * import { buildProgram } from './cli.js';
 * buildProgram({ log: console.log, error: console.error }, []).name(); // 'npm run example --'
 * ```
 */
export function buildProgram(io: CliIo, argv: readonly string[], done: (code: number) => void = () => {}): Command {
  const program = new Command()
    .name('npm run example --')
    .description(
      'A smoke run of the ViT/AdamW study: compares fixed and scheduled hyperparameters (LR, beta1, weight decay, batch size) at one peak LR, ' +
        'each variant a worker process, then prints a table and writes an HTML report under runs/. With its defaults (few epochs, one seed) ' +
        'it shows that every variant trains, not which is better: the study with seeds, intervals and fair twins is examples/vit/README.md, ' +
        'its results examples/vit/results/.',
    )
    .exitOverride()
    // Options after a subcommand belong to it (the subcommands repeat the run options with other defaults).
    .enablePositionalOptions()
    .configureOutput({ writeOut: (s) => io.log(s.trimEnd()), writeErr: (s) => io.error(s.trimEnd()) });

  addExecutorOptions(addRunOptions(program, { dataset: 'auto', preset: 'tiny', epochs: 6, trainSize: 3000, testSize: 2000, batchSize: 64, evalEvery: 1, stepping: 'step' }))
    .addOption(new Option('--peak-lr <lr[,lr...]>', 'peak learning rate(s) (OneCycle: max LR)').argParser(numberList).default([1e-2], '1e-2'))
    .addOption(
      new Option('--variants <list>', `comma-separated, "default" or "all": ${Object.keys(VARIANTS).join(', ')}`)
        .argParser(variantList)
        .default([...DEFAULT_VARIANTS], `default = ${DEFAULT_VARIANTS.join(',')}`),
    )
    .option('--seeds <n>', 'seeds per variant (with more than one: mean and 95% CI)', intArg(1), 1)
    .option('--workers <n>', 'parallel worker processes (wasm uses one core each)', intArg(1), availableParallelism())
    .option('--out <dir>', 'results folder (rerunning on it skips finished runs; default runs/compare-<time>)')
    .option('--trial-timeout <minutes>', 'stop a run going on longer (SIGTERM: it checkpoints; SIGKILL 30 s later) and record it as failed', minutesArg)
    .option('--resume', 'continue the latest runs/compare-* (or --out): finished runs are kept, interrupted ones resume')
    .option('--quick', `seconds-long smoke run: ${QUICK.epochs} epochs, ${QUICK.trainSize} training images, ${QUICK.variants.length} variants`)
    .option('--quiet', 'no progress output')
    .option('--no-report', 'skip the HTML report')
    .action(async (o: RunOptions & ExecutorOptions & { peakLr: number[]; variants: string[]; seeds: number; workers: number; out?: string; trialTimeout?: number; resume?: boolean; quick?: boolean; quiet?: boolean; report: boolean }) => {
      const executor = executorOf(o, program.getOptionValueSource('executor') !== 'default', io);
      if (o.quick) {
        const isDefault = (k: string) => program.getOptionValueSource(k) === 'default';
        if (isDefault('epochs')) o.epochs = QUICK.epochs;
        if (isDefault('trainSize')) o.trainSize = QUICK.trainSize;
        if (isDefault('testSize')) o.testSize = QUICK.testSize;
        if (isDefault('variants')) o.variants = QUICK.variants;
      }
      const source = await resolveDatasetSource({ dataset: o.dataset as 'auto', ...(o.dataDir ? { dataDir: o.dataDir } : {}), download: o.download });
      const out = resolve(o.out ?? (o.resume ? latestRun('compare-') ?? join(RUNS_DIR, `compare-${timestamp()}`) : join(RUNS_DIR, `compare-${timestamp()}`)));
      const base = runBase(o, source);
      parseRunConfig({ ...base, variant: o.variants[0], peakLr: o.peakLr[0] }); // fail here, not in every worker
      const used = logDataset(io, source, base);
      const sweep: SweepConfig = { name: 'compare', base: base as unknown as TrialParams, grids: [{ variant: o.variants, peakLr: o.peakLr }], seeds: o.seeds };
      const n = expandSweep(sweep).length;
      io.log(`${n} run(s): ${o.variants.length} variant(s) x ${o.peakLr.length} peak LR(s) x ${o.seeds} seed(s), ${o.preset} ViT, ${o.epochs} epochs, ${whereRuns(o, n)} -> ${out}`);
      const notice = smokeRunNotice({ epochs: o.epochs, seeds: o.seeds });
      for (const line of notice) io.log(line);
      const { signal, exitCode, release } = interruptible(io, 'runs in progress write checkpoints');
      try {
        const outcome = await runStudy({
          sweep,
          workers: o.workers,
          ...(o.trialTimeout !== undefined ? { trialTimeoutMs: o.trialTimeout * 60_000 } : {}),
          out,
          title: 'hyperschedule: fixed vs scheduled hyperparameters (ViT + AdamW)',
          intro: [
            `Each variant trains the ${o.preset} ViT with AdamW for ${o.epochs} epochs from the same seed and data; they differ only in how ` +
              'hyperparameters move. Test accuracy is that of the weights with the best validation accuracy.',
            ...notice,
          ],
          meta: { command: commandLine(argv), dataset: source.description, ...(used ? { 'data used': used.replace(/^data used per run: /, '') } : {}), date: new Date().toISOString() },
          progress: o.quiet ? 'none' : (io.tty ?? process.stderr.isTTY === true) ? 'bars' : 'lines',
          log: io.log,
          signal,
          report: o.report,
          ...(executor ? { executor } : {}),
        });
        const code = finish(outcome, out, io, `npm run example -- --resume${o.out ? ` --out ${o.out}` : ''}`, exitCode, executor?.name);
        if (!outcome.aborted) for (const line of notice) io.log(line);
        done(code);
      } finally {
        release();
      }
    });

  addExecutorOptions(addRunOptions(
    program.command('sweep').description(
      'The reference study\'s search space: the six LR schedulers x logspace(1e-5, 1e-2, 10), warm restarts over T_0, x seeds — ' +
        'mean and 95% CI per cell. Defaults are the study\'s (reference ViT, 100 epochs, batch 512, per-epoch stepping, full CIFAR-10): ' +
        'a CUDA machine\'s job. Resumable: rerun the same command to continue.',
    ),
    { dataset: 'cifar10', preset: 'reference', epochs: 100, trainSize: 'all', testSize: 'all', batchSize: 512, evalEvery: 5, stepping: 'epoch' },
  ))
    .addOption(new Option('--schedulers <list>', 'LR variants on the LR grid').argParser(variantList).default([...STUDY_SCHEDULERS], STUDY_SCHEDULERS.join(',')))
    .addOption(new Option('--lr-grid <start,stop,n>', 'log-spaced peak LRs').argParser(numberList).default([1e-5, 1e-2, 10], '1e-5,1e-2,10'))
    .option('--t0s <list>', 'warm-restarts periods in epochs (default: 10..50 of 100, scaled to --epochs); "none" to skip', (v: string) => (v === 'none' ? [] : numberList(v)))
    .option('--t0-lr <lr>', 'peak LR of the warm-restarts periods', (v: string) => numberList(v)[0]!, 4.6415888336127773e-4)
    .option('--seeds <n>', 'seeds per grid point', intArg(1), 3)
    .option('--workers <n>', 'parallel worker processes', intArg(1), availableParallelism())
    .option('--out <dir>', 'results folder (default runs/study-sweep; rerun to resume)')
    .option('--trial-timeout <minutes>', 'stop a trial going on longer (SIGTERM: it checkpoints; SIGKILL 30 s later) and record it as failed; a rerun resumes it', minutesArg)
    .option('--dry-run', 'list the trials and exit')
    .option('--quiet', 'no progress output')
    .action(async (o: RunOptions & ExecutorOptions & { schedulers: string[]; lrGrid: number[]; t0s?: number[]; t0Lr: number; seeds: number; workers: number; out?: string; trialTimeout?: number; dryRun?: boolean; quiet?: boolean }, cmd: Command) => {
      const executor = executorOf(o, cmd.getOptionValueSource('executor') !== 'default', io);
      const [start, stop, count] = o.lrGrid;
      if (o.lrGrid.length !== 3 || !Number.isInteger(count)) throw new HyperscheduleError('--lr-grid', o.lrGrid.join(','), 'start,stop,n (e.g. 1e-5,1e-2,10)');
      const t0s = o.t0s ?? linspace(10, 50, 9).map((t) => Math.max(1, Math.round((t * o.epochs) / 100)));
      const source: DatasetSource = o.dryRun
        ? { dataset: o.dataset === 'mnist' ? 'mnist' : 'cifar10', ...(o.dataDir ? { dataDir: o.dataDir } : {}), description: '(dry run: dataset not checked)' }
        : await resolveDatasetSource({ dataset: o.dataset as 'auto', ...(o.dataDir ? { dataDir: o.dataDir } : {}), download: o.download });
      const base = runBase(o, source);
      const used = logDataset(io, source, base);
      const sweep: SweepConfig = {
        name: 'study',
        base: base as unknown as TrialParams,
        grids: [
          { variant: o.schedulers, peakLr: logspace(start!, stop!, count!) },
          ...(t0s.length > 0 ? [{ variant: ['warm-restarts'], peakLr: [o.t0Lr], t0: [...new Set(t0s)] }] : []),
        ],
        seeds: o.seeds,
      };
      const trials = expandSweep(sweep);
      const out = resolve(o.out ?? join(RUNS_DIR, 'study-sweep'));
      io.log(`${trials.length} trials (${o.seeds} seed(s) per point), ${o.preset} ViT, ${o.epochs} epochs, batch ${o.batchSize}, ${whereRuns(o, trials.length)} -> ${out}`);
      if (o.dryRun) {
        for (const t of trials.slice(0, 12)) io.log(`  ${t.id}`);
        if (trials.length > 12) io.log(`  ... ${trials.length - 12} more`);
        done(0);
        return;
      }
      const { signal, exitCode, release } = interruptible(io, 'runs in progress write checkpoints');
      try {
        const outcome = await runStudy({
          sweep,
          workers: o.workers,
          ...(o.trialTimeout !== undefined ? { trialTimeoutMs: o.trialTimeout * 60_000 } : {}),
          out,
          title: 'hyperschedule: the reference study\'s sweep (ViT + AdamW)',
          intro: [`Schedulers x peak LR grid (logspace ${start}..${stop}, ${count} points), warm restarts over T_0, ${o.seeds} seed(s) per point; cells show the mean and 95% t confidence interval.`],
          meta: { command: commandLine(argv), dataset: source.description, ...(used ? { 'data used': used.replace(/^data used per run: /, '') } : {}), date: new Date().toISOString() },
          progress: o.quiet ? 'none' : (io.tty ?? process.stderr.isTTY === true) ? 'bars' : 'lines',
          log: io.log,
          signal,
          ...(executor ? { executor } : {}),
        });
        done(finish(outcome, out, io, commandLine(argv), exitCode, executor?.name));
      } finally {
        release();
      }
    });

  addRunOptions(
    program.command('train').description('One run in this process, with a progress bar; Ctrl-C writes a checkpoint into --out, --resume continues it.'),
    { dataset: 'auto', preset: 'tiny', epochs: 6, trainSize: 3000, testSize: 2000, batchSize: 64, evalEvery: 1, stepping: 'step' },
  )
    .requiredOption('--variant <name>', `one of ${Object.keys(VARIANTS).join(', ')}`, oneOf(Object.keys(VARIANTS)))
    .option('--peak-lr <lr>', 'peak learning rate', (v: string) => numberList(v)[0]!, 1e-2)
    .option('--t0 <epochs>', 'warm-restarts period', (v: string) => numberList(v)[0]!)
    .option('--seed <n>', 'model and shuffle seed', intArg(0), 0)
    .option('--out <dir>', 'folder for log.jsonl, checkpoint.bin and result.json (default runs/train-<variant>-<time>)')
    .option('--resume', 'continue from <out>/checkpoint.bin')
    .option('--quiet', 'no progress bar')
    .action(async (o: RunOptions & { variant: string; peakLr: number; t0?: number; seed: number; out?: string; resume?: boolean; quiet?: boolean }) => {
      if (o.resume && !o.out) throw new HyperscheduleError('--resume', true, 'an --out folder holding checkpoint.bin');
      const source = await resolveDatasetSource({ dataset: o.dataset as 'auto', ...(o.dataDir ? { dataDir: o.dataDir } : {}), download: o.download });
      const config = parseRunConfig({ ...runBase(o, source), variant: o.variant, peakLr: o.peakLr, seed: o.seed, ...(o.t0 !== undefined ? { t0: o.t0 } : {}) });
      logDataset(io, source, config);
      const selection = await selectBackend({ prefer: config.preferBackend, quiet: true });
      io.log(selection.summary);
      const out = resolve(o.out ?? join(RUNS_DIR, `train-${o.variant}-${timestamp()}`));
      if (o.resume && !['checkpoint.bin', 'checkpoint.bin.prev'].some((f) => existsSync(join(out, f)))) io.log(`no checkpoint in ${out}: starting from the beginning`);
      const { signal, exitCode, release } = interruptible(io, 'writing a checkpoint after this update');
      const bars = !o.quiet && (io.tty ?? process.stderr.isTTY === true);
      const bar = new cliProgress.SingleBar(
        { format: ` ${o.variant} |{bar}| epoch {epoch}/{epochs} | loss {loss} | acc {acc} | lr {lr} | {eta_formatted}`, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      let perEpoch = 1;
      try {
        const outcome = await trainRun({
          config,
          dir: out,
          resume: o.resume === true,
          signal,
          backendDescription: selection.summary,
          onEvent: (e) => {
            if (e.type === 'start') {
              perEpoch = e.stepsPerEpoch;
              if (e.resumed) io.log(`resuming at epoch ${e.resumed.epoch + 1}, update ${e.resumed.step}`);
              if (bars) bar.start(e.epochs * e.stepsPerEpoch, (e.resumed?.epoch ?? 0) * perEpoch, { epoch: (e.resumed?.epoch ?? 0) + 1, epochs: e.epochs, loss: '-', acc: '-', lr: '-' });
            } else if (e.type === 'step' && bars) {
              bar.update(e.epoch * perEpoch + e.stepInEpoch, { epoch: e.epoch + 1, loss: e.loss.toFixed(3), acc: `${(100 * e.acc).toFixed(1)}%`, lr: e.lr.toExponential(2) });
            } else if (e.type === 'epoch' && !o.quiet && !bars) {
              const r = e.record;
              io.log(`epoch ${r.epoch + 1}: train loss ${r.trainLoss?.toFixed(4) ?? 'nan'}, acc ${(100 * r.trainAcc).toFixed(1)}%${r.valAcc !== null ? `, val acc ${(100 * r.valAcc).toFixed(1)}%` : ''}, lr ${r.hparamsEnd.lr.toExponential(2)}`);
            }
          },
        });
        if (bars) bar.stop();
        if (outcome.status === 'interrupted') {
          io.log(`interrupted at epoch ${outcome.epoch + 1}, update ${outcome.step}; checkpoint: ${outcome.checkpoint}`);
          io.log(`continue with: ${resumeCommand(argv, out)}`);
          done(exitCode());
          return;
        }
        const r = outcome.result;
        await writeJsonAtomic(join(out, 'result.json'), r);
        io.log(`${VARIANTS[o.variant]!.label}: test accuracy ${(100 * r.testAcc).toFixed(2)}% (best val ${(100 * r.bestValAcc).toFixed(2)}% at epoch ${r.bestEpoch + 1}/${config.epochs}), ${r.updates} updates, ${(r.wallMs / 1000).toFixed(1)} s; tensors ${r.tensors.min}..${r.tensors.max}`);
        io.log(`log: ${join(out, 'log.jsonl')}; result: ${join(out, 'result.json')}`);
        done(0);
      } finally {
        if (bars) bar.stop();
        release();
        tf.disposeVariables();
      }
    });
  program
    .command('report')
    .description('Render the table and HTML report of a results folder again (e.g. a sweep still running, or after an update).')
    .argument('<dir>', 'a folder written by a comparison or a sweep')
    .action(async (dir: string) => {
      const { records, title, intro, meta } = await loadStudyRecords(resolve(dir));
      const { table, reportPath, referenceMissing } = await writeStudyOutputs(resolve(dir), records, { title, intro, meta });
      io.log(formatTable(table));
      if (reportPath) io.log(`\nreport: ${reportPath}`);
      if (reportPath && referenceMissing) io.log(`  (without the reference study's figures: no seed-results.csv in ${referenceMissing}; the report says how to add them)`);
      done(0);
    });
  return program;
}

/**
 * Runs the CLI; resolves to the exit code (errors are one line on stderr, exit 1).
 *
 * @example
 * ```ts
 * import { runCli } from './cli.js';
 * const code = await runCli(['--help'], { log: console.log, error: console.error }); // 0
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo = { log: (l) => console.log(l), error: (l) => console.error(l) }): Promise<number> {
  let code = 0;
  const program = buildProgram(io, argv, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : e.exitCode ?? 1;
    }
    io.error(`hyperschedule example: ${(asCommandLineError(err) as { message?: string }).message ?? String(err)}`);
    return 1;
  }
}
