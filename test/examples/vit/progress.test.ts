/**
 * Progress when stdout is not a terminal (a file, a pipe, CI): plain lines, one per finished epoch
 * of each run and one per finished run — the quick comparison printed nothing for minutes there.
 */
import { describe, expect, it } from 'vitest';
import type { SweepEvent } from 'hyperschedule/node';
import { epochLine, progressView } from '../../../examples/vit/progress.js';
import type { EpochRecord, RunResult } from '../../../examples/vit/train.js';

const hp = { lr: 1e-2, beta1: 0.9, beta2: 0.999, weightDecay: 1e-4, batchSize: 64 };
const record = (epoch: number, valAcc: number | null): EpochRecord => ({
  epoch, trainLoss: 1.5 - 0.25 * epoch, trainAcc: 0.4 + 0.1 * epoch, valLoss: 1.2, valAcc, updates: 42 * (epoch + 1), samples: 2688 * (epoch + 1),
  hparams: hp, hparamsEnd: { ...hp, lr: 9e-3 }, wallMs: 4000 * (epoch + 1),
});
const trial = { id: 't1', params: { variant: 'constant', peakLr: 0.01, seed: 0 } };

describe('progress lines (no terminal)', () => {
  it('epochLine: the run, the epoch of how many, loss, accuracies, LR and time', () => {
    expect(epochLine(trial.params, 6, record(2, 0.75))).toBe('  constant @ 0.010 s0: epoch 3/6, train loss 1.0000, acc 60.0%, val acc 75.0%, lr 9.00e-3, 12 s');
    expect(epochLine(trial.params, 6, { ...record(0, null), trainLoss: null })).toBe('  constant @ 0.010 s0: epoch 1/6, train loss nan, acc 40.0%, lr 9.00e-3, 4 s');
  });

  it('prints a line for every finished epoch of every run and for every finished run, nothing per update', () => {
    const lines: string[] = [];
    const view = progressView('lines', (l) => lines.push(l));
    const events: SweepEvent<RunResult>[] = [
      { type: 'started', trial, attempt: 1 },
      { type: 'message', trial, data: { type: 'backend', summary: 'backend: cpu' } },
      { type: 'message', trial, data: { type: 'start', variant: 'constant', epochs: 2, stepsPerEpoch: 42, resumed: null } },
      ...Array.from({ length: 5 }, (_, i): SweepEvent<RunResult> => ({ type: 'message', trial, data: { type: 'step', epoch: 0, stepInEpoch: i, loss: 1, acc: 0.5, lr: 1e-2, batchSize: 64 } })),
      { type: 'message', trial, data: { type: 'epoch', record: record(0, 0.6) } },
      { type: 'message', trial, data: { type: 'epoch', record: record(1, 0.7) } },
    ];
    for (const e of events) view.onEvent(e);
    view.stop();
    expect(lines).toEqual([
      '  constant @ 0.010 s0: epoch 1/2, train loss 1.5000, acc 40.0%, val acc 60.0%, lr 9.00e-3, 4 s',
      '  constant @ 0.010 s0: epoch 2/2, train loss 1.2500, acc 50.0%, val acc 70.0%, lr 9.00e-3, 8 s',
    ]);
  });

  it('"none" prints nothing', () => {
    const lines: string[] = [];
    const view = progressView('none', (l) => lines.push(l));
    view.onEvent({ type: 'message', trial, data: { type: 'epoch', record: record(0, 0.6) } });
    expect(lines).toEqual([]);
  });
});
