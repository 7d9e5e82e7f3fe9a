/**
 * The study's trials write run logs (issue 13): `run.jsonl`, `run.csv` and a TensorBoard event
 * file in the trial folder, one row per update with every hyperparameter; a run stopped
 * (Ctrl-C) and resumed from its checkpoint ends with the same rows as an uninterrupted run —
 * every update once, none duplicated.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRunLog, runLogCsv, type RunLogRow } from 'hyperschedule/node';
import { parseRunConfig } from '../../../examples/vit/config.js';
import { loadRunData, type RunData } from '../../../examples/vit/data.js';
import { trainRun } from '../../../examples/vit/train.js';
import { readEventFile } from '../../node/logs/tb-reader.js';

/** A row without its wall time (the one thing two runs of the same config do not share). */
const untimed = ({ wallTime: _t, ...rest }: RunLogRow) => rest;

describe('the ViT trial writes run logs', () => {
  let data: RunData;
  const config = parseRunConfig({ dataset: 'mnist', variant: 'adaptive-beta1', peakLr: 3e-3, epochs: 2, trainSize: 200, testSize: 50, batchSize: 20 });
  beforeAll(async () => {
    await tf.setBackend('wasm');
    data = await loadRunData(config);
  });

  it('every update once, with every hyperparameter; stopped and resumed gives the rows of an uninterrupted run', async () => {
    const straightDir = mkdtempSync(join(tmpdir(), 'hs-vit-logs-'));
    const straight = await trainRun({ config, data, dir: straightDir });
    if (straight.status !== 'completed') throw new Error('the straight run did not complete');
    const { rows } = readRunLog(join(straightDir, 'run.jsonl'));
    expect(rows.map((r) => r.step)).toEqual(Array.from({ length: straight.result.updates }, (_, i) => i + 1));
    for (const row of rows) {
      for (const name of ['lr', 'beta1', 'beta2', 'weightDecay', 'batchSize']) expect(row[`param/${name}`], name).toEqual(expect.any(Number));
      expect(row.loss).toEqual(expect.any(Number));
    }
    expect(rows.filter((r) => r['eval/val_acc'] !== undefined).map((r) => r.epoch)).toEqual([1, 2]);
    expect(readFileSync(join(straightDir, 'run.csv'), 'utf8')).toBe(runLogCsv(rows));
    const tbFiles = readdirSync(join(straightDir, 'tb'));
    expect(tbFiles).toHaveLength(1);

    const dir = mkdtempSync(join(tmpdir(), 'hs-vit-logs-resume-'));
    const controller = new AbortController();
    const first = await trainRun({
      config, data, dir, signal: controller.signal,
      onEvent: (e) => { if (e.type === 'step' && e.epoch === 0 && e.stepInEpoch === 4) controller.abort(); },
    });
    expect(first).toMatchObject({ status: 'interrupted', step: 4 });
    expect(readRunLog(join(dir, 'run.jsonl')).rows.map((r) => r.step)).toEqual([1, 2, 3, 4]);
    const resumed = await trainRun({ config, data, dir, resume: true });
    expect(resumed.status).toBe('completed');
    expect(existsSync(join(dir, 'checkpoint.bin'))).toBe(false);

    const again = readRunLog(join(dir, 'run.jsonl')).rows;
    expect(again.map(untimed)).toEqual(rows.map(untimed));
    const { events } = readEventFile(join(dir, 'tb', readdirSync(join(dir, 'tb'))[0]!));
    expect(events.slice(1).map((e) => e.step)).toEqual(rows.map((r) => r.step));
  });
});
