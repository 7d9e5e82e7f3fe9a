import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSession, defineController, param, type HyperscheduleSession, type SessionState } from '../../../src/index.js';
import { createRunLogger, readRunLog, runLogCsv, type RunLogRow } from '../../../src/node/index.js';
import { fnSchedule } from '../../params/fixtures.js';
import { readEventFile } from './tb-reader.js';

const fresh = (): string => mkdtempSync(join(tmpdir(), 'hs-run-logger-'));
/** A fixed wall clock: 1000 s, then +1 s per call (the first call names the TensorBoard file). */
const ticking = (): (() => number) => {
  let t = 1_000_000;
  return () => (t += 1000);
};
/** 0.1 / 2^step: a value that changes at every update, so an off-by-one shows. */
const halvingLr = () => param('lr', { schedule: fnSchedule('halving', 'step', (t) => 0.1 / 2 ** t) }, { domain: 'positive' });
/** A controller whose value is the number of updates it has seen (it reacts after each update). */
const counter = () => param('seen', {
  controller: defineController({ name: 'count', initialState: 0, input: (s) => s.updateApplied$, step: (n: number) => n + 1, value: (n: number) => n }),
});

/** One update by hand, as a hook would record it. */
function update(session: HyperscheduleSession, loss: number): void {
  session.beginUpdate();
  session.completeUpdate({ loss });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createRunLogger: rows', () => {
  it('logs each update with the parameter values that update used (schedule, controller, manual), its loss and time', () => {
    const dir = fresh();
    const manual = param('dropout', { initial: 0.5 }, { domain: 'unitInterval' });
    const session = createSession({ params: [halvingLr(), counter(), manual], batchSize: 8, run: { samplesPerEpoch: 32 } });
    const logger = createRunLogger(session, { dir, now: ticking() });
    for (let k = 0; k < 6; k++) {
      if (k === 3) manual.set(0.25); // from the 4th update on
      update(session, 1 / (k + 1));
    }
    const summary = logger.close();
    const { rows, incompleteLastLine } = readRunLog(join(dir, 'run.jsonl'));
    expect(incompleteLastLine).toBe(false);
    expect(summary.rows).toBe(6);
    expect(rows).toHaveLength(6);
    rows.forEach((row, k) => {
      expect(row).toEqual({
        step: k + 1,
        epoch: (8 * (k + 1)) / 32,
        samples: 8 * (k + 1),
        wallTime: 1002 + k,
        batchSize: 8,
        loss: 1 / (k + 1),
        'param/lr': 0.1 / 2 ** k, // the value at the update, not the one after it
        'param/seen': k, // the controller had seen k updates when update k+1 ran
        'param/dropout': k >= 3 ? 0.25 : 0.5,
        'param/batchSize': 8,
      });
    });
    // Column order: time, batch, loss, then parameters in registration order.
    expect(Object.keys(rows[0]!)).toEqual(['step', 'epoch', 'samples', 'wallTime', 'batchSize', 'loss', 'param/lr', 'param/seen', 'param/dropout', 'param/batchSize']);
  });

  it('metrics reported at a step join that update\'s row; metrics before the first update get a row of their own', () => {
    const dir = fresh();
    const session = createSession({ params: [halvingLr()], batchSize: 4 });
    const logger = createRunLogger(session, { dir, now: ticking() });
    session.reportMetrics({ val_loss: 2 }); // before training
    update(session, 1);
    update(session, 0.5);
    session.reportMetrics({ val_loss: 0.7, val_acc: 0.6 });
    session.reportMetrics({ top5: 0.9 });
    session.endEpoch({ loss: 0.75 });
    update(session, 0.4);
    logger.close();
    const { rows } = readRunLog(join(dir, 'run.jsonl'));
    expect(rows.map((r) => r.step)).toEqual([0, 1, 2, 3]);
    expect(rows[0]).toEqual({ step: 0, epoch: 0, samples: 0, wallTime: 1002, 'eval/val_loss': 2 });
    expect(rows[2]).toMatchObject({ step: 2, loss: 0.5, 'eval/val_loss': 0.7, 'eval/val_acc': 0.6, 'eval/top5': 0.9, 'epoch/loss': 0.75 });
    expect(rows[3]).not.toHaveProperty('eval/val_loss');
  });

  it('never turns NaN or Infinity into a number: null in JSONL and CSV, left out (and counted) in TensorBoard', () => {
    const dir = fresh();
    const session = createSession({ params: [halvingLr()], batchSize: 4 });
    const nonFinite: string[] = [];
    session.signals.nonFinite$.subscribe((r) => nonFinite.push(r.source));
    const logger = createRunLogger(session, { dir, now: ticking() });
    update(session, 1);
    update(session, Number.NaN);
    session.reportMetrics({ acc: Number.POSITIVE_INFINITY, f1: 0.5 });
    update(session, 0.25);
    const summary = logger.close();
    expect(nonFinite).toEqual(['update', 'metrics:eval']); // the library reported both; the log keeps them as null
    const jsonl = readFileSync(join(dir, 'run.jsonl'), 'utf8');
    expect(jsonl).not.toMatch(/NaN|Infinity/);
    const { rows } = readRunLog(join(dir, 'run.jsonl'));
    expect(rows[1]).toMatchObject({ step: 2, loss: null, 'eval/acc': null, 'eval/f1': 0.5 });
    const csv = readFileSync(join(dir, 'run.csv'), 'utf8').trim().split('\n');
    const header = csv[0]!.split(',');
    const second = csv[2]!.split(',');
    expect(second[header.indexOf('loss')]).toBe('null');
    expect(second[header.indexOf('eval/acc')]).toBe('null');
    expect(summary.tensorBoardSkipped).toBe(2);
    const { events } = readEventFile(summary.files.tensorboard!);
    const tagsAt2 = events.find((e) => e.step === 2)!.summary!.value.map((v) => v.tag);
    expect(tagsAt2).toContain('eval/f1');
    expect(tagsAt2).not.toContain('loss');
    expect(tagsAt2).not.toContain('eval/acc');
  });

  it('buffers rows: nothing is written before flushEvery rows; flush() writes the open row too', () => {
    const dir = fresh();
    const session = createSession({ params: [halvingLr()], batchSize: 4 });
    const logger = createRunLogger(session, { dir, flushEvery: 3, now: ticking() });
    const lines = () => readFileSync(join(dir, 'run.jsonl'), 'utf8').split('\n').filter(Boolean).length;
    for (let k = 0; k < 3; k++) update(session, 1);
    expect(lines()).toBe(0); // two rows done, the third still open for metrics
    update(session, 1);
    expect(lines()).toBe(3);
    logger.flush();
    expect(lines()).toBe(4);
    logger.close();
    expect(logger.closed).toBe(true);
    expect(logger.close().rows).toBe(4); // idempotent
  });

  it('a failure while logging is printed at once, stops the logger, and is thrown by the next flush and close (training goes on)', () => {
    const dir = fresh();
    const session = createSession({ params: [halvingLr()], batchSize: 4 });
    let calls = 0;
    const now = () => {
      calls += 1;
      if (calls === 3) throw new Error('clock broke');
      return 1000 * calls;
    };
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const logger = createRunLogger(session, { dir, now });
    update(session, 1);
    update(session, 1); // its row fails to build
    update(session, 1); // the session does not notice: the logger no longer listens
    expect(session.clock.step).toBe(3);
    expect(error.mock.calls.map((c) => String(c[0]))).toEqual([`run log ${dir}: logging stopped: clock broke`]);
    expect(() => logger.flush()).toThrow('clock broke');
    expect(() => logger.close()).toThrow('clock broke');
    expect(logger.closed).toBe(true);
    expect(readRunLog(join(dir, 'run.jsonl')).rows.map((r) => r.step)).toEqual([1]); // what was logged before is kept
  });

  it('refuses bad options, naming the field', () => {
    const session = createSession();
    const dir = fresh();
    expect(() => createRunLogger(session, { dir, signals: ['gradNrom' as never] })).toThrow('createRunLogger.signals[0]: got "gradNrom", expected one of "loss", "gradNorm"');
    expect(() => createRunLogger(session, { dir, flushEvery: 0 })).toThrow('createRunLogger.flushEvery: got 0');
    expect(() => createRunLogger(session, { dir: '' })).toThrow('createRunLogger.dir');
    expect(() => createRunLogger(session, { dir, tensorBoard: true } as never)).toThrow('createRunLogger.options.tensorBoard');
  });
});

describe('createRunLogger: resuming', () => {
  it('keeps the rows up to the restored step, drops later ones and a torn last line, and continues without duplicates', () => {
    const dir = fresh();
    const build = () => createSession({ params: [halvingLr(), counter()], batchSize: 4 });
    const a = build();
    const loggerA = createRunLogger(a, { dir, now: ticking() });
    let saved: SessionState | undefined;
    for (let k = 1; k <= 9; k++) {
      update(a, 1 / k);
      if (k === 6) {
        loggerA.flush(); // right before the checkpoint
        saved = JSON.parse(JSON.stringify(a.state())) as SessionState;
      }
    }
    loggerA.flush();
    appendFileSync(join(dir, 'run.jsonl'), '{"step":10,"wallTime":1'); // killed mid-write
    // (loggerA is never closed: the process died.)

    const b = build();
    b.restore(saved!);
    const warn = vi.spyOn(console, 'warn');
    const loggerB = createRunLogger(b, { dir, now: ticking() });
    expect(loggerB.resumed).toEqual({ fromStep: 6, kept: 6, dropped: 3, incompleteLastLine: true });
    expect(warn).not.toHaveBeenCalled();
    for (let k = 7; k <= 10; k++) update(b, 1 / k);
    const summary = loggerB.close();

    const { rows } = readRunLog(join(dir, 'run.jsonl'));
    expect(rows.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(summary.rows).toBe(10);
    rows.forEach((row, k) => {
      expect(row.loss).toBe(1 / (k + 1));
      expect(row['param/lr']).toBe(0.1 / 2 ** k);
      expect(row['param/seen']).toBe(k); // the controller's state came back with the checkpoint
    });
    // One event file, written anew from the kept rows plus the new ones: every step once.
    const tbFiles = readdirSync(join(dir, 'tb'));
    expect(tbFiles).toHaveLength(1);
    const { events } = readEventFile(summary.files.tensorboard!);
    expect(events.slice(1).map((e) => e.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(readFileSync(join(dir, 'run.csv'), 'utf8')).toBe(runLogCsv(rows));
  });

  it('a run from step 0 replaces an earlier log; a resume past the end of the log says what is missing', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'run.jsonl'), '{"step":1,"wallTime":1}\n');
    const first = createRunLogger(createSession(), { dir });
    expect(first.resumed).toBeUndefined();
    expect(first.close().rows).toBe(0);
    expect(readFileSync(join(dir, 'run.jsonl'), 'utf8')).toBe('');

    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const logger = createRunLogger(createSession(), { dir, fromStep: 5 });
    expect(logger.resumed).toEqual({ fromStep: 5, kept: 0, dropped: 0, incompleteLastLine: false });
    expect(warn.mock.calls[0]?.[0]).toMatch(/resumes after update 5 but its log ends at update 0; updates 1\.\.5 are not in it/);
    logger.close();
  });

  it('refuses to resume over a log with a damaged line (not the last), naming the file and line', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'run.jsonl'), '{"step":1,"wallTime":1}\n{"step":2,"wallTime"\n{"step":3,"wallTime":3}\n');
    expect(() => createRunLogger(createSession(), { dir, fromStep: 3 })).toThrow(`${join(dir, 'run.jsonl')}:2: got`);
  });
});

describe('createRunLogger: files', () => {
  it('writes run.jsonl, run.csv and one TensorBoard event file; csv and tensorboard can be turned off', () => {
    const dir = fresh();
    const session = createSession({ params: [halvingLr()], batchSize: 4 });
    const logger = createRunLogger(session, { dir, now: () => 1_700_000_000_000 });
    update(session, 1);
    const summary = logger.close();
    expect(summary.files).toEqual({
      jsonl: join(dir, 'run.jsonl'),
      csv: join(dir, 'run.csv'),
      tensorboard: join(dir, 'tb', `events.out.tfevents.1700000000.${summary.files.tensorboard!.split('.').slice(4).join('.')}`),
    });
    expect(summary.files.tensorboard).toMatch(/events\.out\.tfevents\.1700000000\.[^/]+$/);

    const bare = fresh();
    const s2 = createSession({ params: [halvingLr()], batchSize: 4 });
    const l2 = createRunLogger(s2, { dir: bare, csv: false, tensorboard: false });
    update(s2, 1);
    expect(l2.close().files).toEqual({ jsonl: join(bare, 'run.jsonl') });
    expect(existsSync(join(bare, 'run.csv'))).toBe(false);
    expect(existsSync(join(bare, 'tb'))).toBe(false);
  });

  it('TensorBoard holds exactly the JSONL: same steps, tags and values (as float32), wall times', () => {
    const dir = fresh();
    const session = createSession({ params: [halvingLr(), counter()], batchSize: 4, run: { samplesPerEpoch: 12 } });
    const logger = createRunLogger(session, { dir, flushEvery: 2, now: ticking() });
    for (let k = 1; k <= 7; k++) {
      update(session, Math.PI / k);
      if (k % 3 === 0) session.endEpoch({ loss: 1 / k });
      if (k === 5) session.reportMetrics({ val_acc: 0.123456789 });
    }
    const summary = logger.close();
    const { rows } = readRunLog(summary.files.jsonl);
    const { events, records } = readEventFile(summary.files.tensorboard!);
    expect(records).toBe(rows.length + 1);
    expect(events[0]).toMatchObject({ fileVersion: 'brain.Event:2', step: 0 });
    events.slice(1).forEach((event, i) => {
      const row = rows[i] as RunLogRow;
      expect(event.step).toBe(row.step);
      expect(event.wallTime).toBe(row.wallTime);
      const expected = Object.entries(row).filter(([k]) => k !== 'step' && k !== 'wallTime').map(([tag, v]) => ({ tag, simpleValue: Math.fround(v as number) }));
      expect(event.summary!.value).toEqual(expected);
    });
  });
});
