/**
 * Progress of a comparison or sweep as its worker processes report it: a bar per running trial on
 * a terminal; elsewhere (a file, a pipe, CI) plain lines — one per finished epoch of each trial and
 * one per finished trial — so a log never sits silent while runs train.
 */
import cliProgress from 'cli-progress';
import type { SweepEvent, TrialRecord } from 'hyperschedule/node';
import type { EpochRecord, RunResult, TrainEvent } from './train.js';
import { VARIANTS } from './variants.js';

/**
 * How progress is shown: bars (a terminal), lines (anything else) or nothing (`--quiet`).
 *
 * @example
 * ```ts
 * import type { ProgressMode } from './progress.js';
 * const mode: ProgressMode = process.stderr.isTTY ? 'bars' : 'lines';
 * ```
 */
export type ProgressMode = 'bars' | 'lines' | 'none';

/**
 * A trial's short name: variant label, peak LR, warm-restarts period, seed.
 *
 * @example
 * ```ts
 * import { trialLabel } from './progress.js';
 * trialLabel({ variant: 'constant', peakLr: 0.01, seed: 0 }); // 'constant @ 0.010 s0'
 * ```
 */
export function trialLabel(params: Readonly<Record<string, unknown>>): string {
  const v = VARIANTS[String(params.variant)];
  const t0 = params.t0 !== undefined ? ` T0=${String(params.t0)}` : '';
  return `${v?.label ?? String(params.variant)} @ ${Number(params.peakLr).toPrecision(2)}${t0} s${String(params.seed)}`;
}

/**
 * The one line printed when a trial ends: its result, or why it failed (the runner's `summary`: the
 * error it printed, never Node's version footer).
 *
 * @example
 * ```ts
 * import { finishedLine } from './progress.js';
 * // finishedLine(record) === '✗ constant @ 0.010 s0: failed — HyperscheduleError: run.peakLr: got -1, expected a number > 0'
 * ```
 */
export function finishedLine(r: TrialRecord<RunResult>): string {
  const label = trialLabel(r.params);
  if (r.status !== 'ok' || !r.result) {
    const why = r.summary ?? r.error?.split('\n')[0];
    return `✗ ${label}: ${r.status}${why ? ` — ${why}` : ''}`;
  }
  const x = r.result;
  return `✓ ${label}: test ${(100 * x.testAcc).toFixed(1)}%, best epoch ${x.bestEpoch + 1}/${x.config.epochs}, ${x.updates} updates, ${(x.wallMs / 1000).toFixed(0)} s`;
}

/**
 * The line printed (without a terminal) when a trial finishes an epoch.
 *
 * @example
 * ```ts
 * import { epochLine } from './progress.js';
 * // epochLine({ variant: 'constant', peakLr: 0.01, seed: 0 }, 6, record)
 * // === '  constant @ 0.010 s0: epoch 3/6, train loss 1.0000, acc 60.0%, val acc 75.0%, lr 9.00e-3, 12 s'
 * ```
 */
export function epochLine(params: Readonly<Record<string, unknown>>, epochs: number, r: EpochRecord): string {
  const val = r.valAcc !== null ? `, val acc ${(100 * r.valAcc).toFixed(1)}%` : '';
  return `  ${trialLabel(params)}: epoch ${r.epoch + 1}/${epochs}, train loss ${r.trainLoss?.toFixed(4) ?? 'nan'}, acc ${(100 * r.trainAcc).toFixed(1)}%${val}, lr ${r.hparamsEnd.lr.toExponential(2)}, ${(r.wallMs / 1000).toFixed(0)} s`;
}

/**
 * A progress display: `onEvent` takes the sweep runner's events, `log` prints a line without
 * tearing the bars, `stop` ends the display.
 *
 * @example
 * ```ts
 * import { progressView } from './progress.js';
 * const view = progressView('lines', console.log);
 * // runSweep({ ..., onEvent: view.onEvent }); view.stop();
 * ```
 */
export function progressView(mode: ProgressMode, log: (line: string) => void): {
  onEvent: (e: SweepEvent<RunResult>) => void;
  log: (line: string) => void;
  stop: () => void;
} {
  if (mode !== 'bars') {
    const epochs = new Map<string, number>();
    return {
      onEvent: (e: SweepEvent<RunResult>) => {
        if (mode !== 'lines') return;
        if (e.type === 'finished') log(finishedLine(e.record));
        if (e.type !== 'message') return;
        const m = e.data as TrainEvent;
        if (m.type === 'start') epochs.set(e.trial.id, m.epochs);
        if (m.type === 'epoch') log(epochLine(e.trial.params, epochs.get(e.trial.id) ?? Number(e.trial.params.epochs), m.record));
      },
      log,
      stop: () => {},
    };
  }
  const multi = new cliProgress.MultiBar(
    {
      format: ' {label} |{bar}| epoch {epoch}/{epochs} | loss {loss} | acc {acc} | lr {lr}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
      stopOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  const steps = new Map<string, number>();
  return {
    onEvent: (e: SweepEvent<RunResult>) => {
      const id = e.trial.id;
      if (e.type === 'started') {
        bars.set(id, multi.create(1, 0, { label: trialLabel(e.trial.params).padEnd(40), epoch: 0, epochs: '?', loss: '-', acc: '-', lr: '-' }));
      } else if (e.type === 'message') {
        const m = e.data as TrainEvent | { type: 'backend' };
        const bar = bars.get(id);
        if (!bar) return;
        if (m.type === 'start') {
          steps.set(id, m.stepsPerEpoch);
          bar.setTotal(m.epochs * m.stepsPerEpoch);
          bar.update((m.resumed?.epoch ?? 0) * m.stepsPerEpoch, { epochs: m.epochs });
        } else if (m.type === 'step') {
          bar.update(m.epoch * (steps.get(id) ?? 0) + m.stepInEpoch, {
            epoch: m.epoch + 1, loss: m.loss.toFixed(3), acc: `${(100 * m.acc).toFixed(1)}%`, lr: m.lr.toExponential(2),
          });
        }
      } else if (e.type === 'finished') {
        const bar = bars.get(id);
        if (bar) {
          multi.remove(bar);
          bars.delete(id);
        }
        multi.log(`${finishedLine(e.record)}\n`);
      }
    },
    // Lines printed while bars are drawn must go through the bars, or they tear the display.
    log: (line: string) => multi.log(`${line}\n`),
    stop: () => multi.stop(),
  };
}
