import fc from 'fast-check';
import { map } from 'rxjs';
import { describe, expect, test } from 'vitest';
import type { Controller } from '../../src/controllers/index.js';
import { HyperscheduleError } from '../../src/errors.js';
import { createSession, type HyperscheduleSession } from '../../src/integrations/session.js';
import { param, positiveInteger } from '../../src/params/index.js';
import type { NonFiniteReport, RejectionReport } from '../../src/signals/index.js';
import { fnSchedule, halving, inverse } from '../params/fixtures.js';

describe('HyperscheduleSession', () => {
  test('signals of update k see the values update k used; values move when completeUpdate returns', () => {
    const lr = param('lr', { schedule: inverse('step') });
    const session = createSession({ params: [lr], batchSize: 2 });
    const seenDuring: number[] = [];
    session.signals.updateApplied$.subscribe(() => seenDuring.push(lr.value));
    const used: number[] = [];
    for (let k = 0; k < 3; k++) {
      session.beginUpdate();
      used.push(lr.value);
      session.completeUpdate();
    }
    expect(used).toEqual([0.1, 0.05, 0.1 / 3]);
    expect(seenDuring).toEqual(used);
    expect(lr.value).toBe(0.1 / 4);
    expect(session.clock.samples).toBe(6);
  });

  test('batch sizes: the size reported with the update wins, queued sizes add up (gradient accumulation), else the batchSize parameter', () => {
    const bs = param('batchSize', { initial: 16 }, { domain: positiveInteger() });
    const session = createSession({ params: [bs], batchSize: bs });
    session.completeUpdate();
    session.queueBatch(4);
    session.queueBatch(4);
    session.completeUpdate();
    session.queueBatch(4);
    session.completeUpdate({ batchSize: 3 });
    const sizes: (number | undefined)[] = [];
    session.signals.updateApplied$.subscribe((u) => sizes.push(u.batchSize));
    bs.set(7);
    session.completeUpdate();
    expect(session.clock.samples).toBe(16 + 8 + 3 + 7);
    expect(sizes).toEqual([7]);
    expect(() => session.queueBatch(1.5)).toThrow(/queueBatch: got 1.5/);
  });

  test('the batchSize option is the session\'s batchSize parameter: a number makes one, a parameter must carry the name', () => {
    const fixed = createSession({ batchSize: 8 });
    expect(fixed.param('batchSize').value).toBe(8);
    fixed.completeUpdate();
    expect(fixed.clock.samples).toBe(8);
    expect(() => createSession({ batchSize: param('bs', { initial: 8 }) })).toThrow(/batchSize: got "bs"/);
    expect(() => createSession({ batchSize: 0 })).toThrow(/batchSize: got 0/);
    expect(() => createSession({ params: [param('batchSize', { initial: 4 })], batchSize: 8 })).toThrow(/params.batchSize/);
  });

  test('a batch holds its update until endBatch brings the logs; endBatch says what happened', () => {
    const session = createSession();
    const sizes: (number | undefined)[] = [];
    const losses: (number | undefined)[] = [];
    session.signals.updateApplied$.subscribe((u) => {
      sizes.push(u.batchSize);
      losses.push(u.loss);
    });
    session.beginBatch();
    session.completeUpdate({ gradNorm: 1 });
    expect(session.clock.step).toBe(0); // waiting for the logs
    expect(session.endBatch({ loss: 0.5, batchSize: 32 })).toBe('applied');
    expect([session.clock.step, session.clock.samples, sizes, losses]).toEqual([1, 32, [32], [0.5]]);
    session.beginBatch();
    session.skipUpdate({ w: Number.NaN });
    expect(session.endBatch({ loss: 0.5, batchSize: 32 })).toBe('skipped');
    session.beginBatch();
    expect(session.endBatch({ batchSize: 32 })).toBe('none');
    expect(session.clock.step).toBe(1);
  });

  test('a failed createSession does not keep the parameters it registered', () => {
    const a = param('a', { initial: 1 });
    expect(() => createSession({ params: [a, param('a', { initial: 2 })] })).toThrow(/params.a/);
    expect(() => createSession({ params: [a] })).not.toThrow();
  });

  test('skipUpdate reports and leaves clock and values alone', () => {
    const lr = param('lr', { schedule: inverse('step') });
    const session = createSession({ params: [lr], batchSize: 1 });
    const reports: NonFiniteReport[] = [];
    let updates = 0;
    session.signals.nonFinite$.subscribe((r) => reports.push(r));
    session.signals.updateApplied$.subscribe(() => (updates += 1));
    session.queueBatch(5);
    session.skipUpdate({ 'dense/kernel': Number.NaN });
    expect([session.clock.step, session.clock.samples, lr.value, updates]).toEqual([0, 0, 0.1, 0]);
    expect(reports[0]).toMatchObject({ source: 'gradients', action: 'skipped-update', values: { 'dense/kernel': Number.NaN } });
    session.completeUpdate();
    expect(session.clock.samples).toBe(1); // the skipped batch's queued size was dropped
  });

  test('refused values are forwarded to rejected$ and (non-finite) nonFinite$', () => {
    const lr = param('lr', { schedule: fnSchedule('x', 'step', (t) => (t === 1 ? Number.NaN : t === 2 ? -1 : 0.1)) }, { domain: 'positive' });
    const session = createSession({ params: [lr] });
    const rejected: RejectionReport[] = [];
    const nonFinite: NonFiniteReport[] = [];
    session.signals.rejected$.subscribe((r) => rejected.push(r));
    session.signals.nonFinite$.subscribe((r) => nonFinite.push(r));
    session.completeUpdate();
    session.completeUpdate();
    expect(rejected.map((r) => [r.step, r.reason])).toEqual([[1, 'non-finite candidate NaN'], [2, 'expected a number > 0']]);
    expect(nonFinite.map((r) => [r.source, r.action])).toEqual([['param:lr', 'kept-value']]);
    expect(lr.value).toBe(0.1);
  });

  test('configuration and restore errors name the field', () => {
    const a = param('a', { initial: 1 });
    expect(() => createSession({ params: [a, param('a', { initial: 2 })] })).toThrow(/params.a/);
    expect(() => createSession({ params: { b: a } })).toThrow(/params.b: got "a"/);
    const session = createSession({ params: [a] });
    expect(() => session.param('zzz')).toThrow(/param: got "zzz", expected one of a/);
    const state = session.state();
    expect(() => session.restore({ ...state, version: 2 as 1 })).toThrow(/state.version/);
    expect(() => session.restore({ ...state, params: {} })).toThrow(/state.params.a/);
    expect(() => session.restore({ ...state, params: { ...state.params, b: state.params.a! } })).toThrow(/state.params.b/);
    expect(() => session.restore({ ...state, clock: { ...state.clock, step: -3 } })).toThrow(/state.clock.step: got -3/);
    expect(() => session.restore(state)).not.toThrow();
    expect(() => createSession({ params: [1 as never] })).toThrow(HyperscheduleError);
  });
});

/** A momentum-like controller: EMA of the loss, squashed into [0, 0.99). */
const lossEma: Controller<{ ema: number | null }, number> = {
  name: 'lossEma',
  initialState: { ema: null },
  input: (signals) => signals.loss$.pipe(map((s) => s.value)),
  step: (s, loss) => ({ ema: s.ema === null ? loss : 0.8 * s.ema + 0.2 * loss }),
  value: (s) => (s.ema === null ? 0.9 : 0.99 * (1 - 1 / (1 + s.ema))),
};

interface RunConfig {
  readonly total: number;
  readonly epochEvery: number;
  readonly seed: number;
}

function build(): HyperscheduleSession {
  const batchSize = param('batchSize', { schedule: fnSchedule('double', 'epoch', (e) => 4 * 2 ** e) }, { domain: positiveInteger({ max: 64 }) });
  const lr = param('lr.base', { schedule: inverse('sample') }).times(param('lr.plateau', { controller: halving(1) }), 'lr');
  const momentum = param('momentum', { controller: lossEma }, { domain: 'unitInterval' });
  const wd = param('wd', { schedule: fnSchedule('cos', 'progress', (p) => 0.05 * (1 + Math.cos(Math.PI * p)) / 2) }, { domain: 'nonNegative' });
  return createSession({ params: [batchSize, lr, momentum, wd], batchSize, run: { samplesPerEpoch: 40, epochs: 4 } });
}

/** Deterministic pseudo-random in [0, 1) from (seed, k). */
const noise = (seed: number, k: number): number => {
  const x = Math.sin(seed * 12.9898 + k * 78.233) * 43758.5453;
  return x - Math.floor(x);
};

/** Iterations [from, to) of a synthetic run; returns the values each iteration saw. */
function drive(session: HyperscheduleSession, cfg: RunConfig, from: number, to: number): Record<string, number>[] {
  const trace: Record<string, number>[] = [];
  for (let k = from; k < to; k++) {
    session.beginUpdate();
    trace.push({ ...session.values(), step: session.clock.step, samples: session.clock.samples });
    const r = noise(cfg.seed, k);
    if (r < 0.1) session.skipUpdate({ w: Number.NaN });
    else session.completeUpdate({ loss: r < 0.15 ? Number.NaN : 2 * r });
    if ((k + 1) % cfg.epochEvery === 0) {
      const v = noise(cfg.seed + 1, k);
      session.endEpoch({ loss: v, val_loss: v < 0.1 ? Number.NaN : 1 + v });
    }
  }
  return trace;
}

describe('checkpoint and resume (pure)', () => {
  test('property: stopping at any iteration and resuming from JSON gives exactly the uninterrupted trajectory', () => {
    fc.assert(
      fc.property(
        fc.record({ total: fc.integer({ min: 1, max: 40 }), epochEvery: fc.integer({ min: 2, max: 7 }), seed: fc.integer({ min: 0, max: 1000 }) }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (cfg, where) => {
          const stop = Math.floor(where * cfg.total);
          const straight = build();
          const expected = drive(straight, cfg, 0, cfg.total);

          const first = build();
          const head = drive(first, cfg, 0, stop);
          const saved = JSON.stringify(first.state());
          first.dispose();
          const second = build();
          second.restore(JSON.parse(saved));
          const tail = drive(second, cfg, stop, cfg.total);

          expect([...head, ...tail]).toEqual(expected);
          expect(second.state()).toEqual(straight.state());
          for (const [name, p] of straight.params) expect(second.param(name).history).toEqual(p.history);
        },
      ),
      { numRuns: 150 },
    );
  });
});

/** A saved session state, writable, for corrupting one field. */
type Raw = { clock: Record<string, number | boolean | null>; params: Record<string, Record<string, unknown>>; batches: { queued: number[] } };

describe('session restore is all or nothing', () => {
  /** A session with a clock, three parameters and queued batches that differ from `saved` below. */
  function used(): HyperscheduleSession {
    const session = createSession({
      params: [param('lr', { schedule: inverse('step') }, { domain: 'positive' }), param('wd', { initial: 0.01 }, { domain: 'nonNegative' }), param('beta', { controller: lossEma }, { domain: 'unitInterval' })],
      batchSize: 4,
    });
    for (let k = 0; k < 3; k++) session.completeUpdate({ loss: 1 / (k + 1) });
    session.queueBatch(4);
    return session;
  }

  function savedAfter(updates: number): ReturnType<HyperscheduleSession['state']> {
    const session = used();
    for (let k = 0; k < updates; k++) session.completeUpdate({ loss: 0.3 });
    (session.param('wd') as { set(v: number): boolean }).set(0.02);
    const state = JSON.parse(JSON.stringify(session.state()));
    session.dispose();
    return state;
  }

  test.each([
    ['a bad second parameter (after a good clock and first parameter)', (s: Raw) => { s.params.wd!.value = -1; }, /state\.params\.wd\.value: got -1, expected a number >= 0/],
    ['a bad third parameter controller state', (s: Raw) => { s.params.beta!.controller = { ema: 'x' }; }, /state\.params\.beta\.controller/],
    ['a clock whose epoch holds more samples than the run', (s: Raw) => { s.clock.samplesInEpoch = (s.clock.samples as number) + 1; }, /state\.clock\.samplesInEpoch: got \d+, expected at most samples/],
    ['a step count beyond 2^53 - 1', (s: Raw) => { s.clock.step = 2 ** 60; }, /state\.clock\.step: got 1152921504606847000, expected a finite integer >= 0 and <= 9007199254740991/],
    ['a queued batch of 1e300 samples', (s: Raw) => { s.batches.queued = [1e300]; }, /state\.batches\.queued\[0\]/],
    ['a parameter step that is not an integer', (s: Raw) => { s.params.lr!.step = 1.5; }, /state\.params\.lr\.step: got 1\.5/],
  ])('%s: refused, clock, parameters and queued batches unchanged', (_label, corrupt, message) => {
    const session = used();
    const state = savedAfter(2);
    corrupt(state as unknown as Raw);
    const before = JSON.parse(JSON.stringify(session.state()));
    const values = session.values();
    expect(() => session.restore(state)).toThrow(message);
    expect(session.state()).toEqual(before);
    expect(session.values()).toEqual(values);
    // The same session still restores a good state.
    session.restore(savedAfter(2));
    expect(session.clock.step).toBe(5);
    session.dispose();
  });

  test('a clock at which a schedule cannot be evaluated is refused before anything changes', () => {
    const session = createSession({ params: [param('lr', { schedule: inverse('sample') }, { domain: 'positive' })], batchSize: 8 });
    session.completeUpdate();
    const state = JSON.parse(JSON.stringify(session.state()));
    state.clock = { ...state.clock, step: 4, samplesCounted: false };
    const before = session.state();
    expect(() => session.restore(state)).toThrow(/state\.clock: .*sample schedules can read \(clock\.samples/);
    expect(session.state()).toEqual(before);
    session.dispose();
  });

  test('prepareRestore validates without changing anything; its restore applies', () => {
    const session = used();
    const state = savedAfter(1);
    const before = session.state();
    const restore = session.prepareRestore(state);
    expect(session.state()).toEqual(before);
    restore();
    expect(session.state()).toEqual(state);
    session.dispose();
  });

  test('add() is all or nothing: a parameter held by another session refuses the whole call', () => {
    const held = param('held', { initial: 1 });
    const other = createSession({ params: [held] });
    const session = createSession();
    const fresh = param('fresh', { initial: 2 });
    expect(() => session.add(fresh, held)).toThrow(/params\.held: got "held", expected a parameter not held by another session/);
    expect([...session.params.keys()]).toEqual([]);
    // fresh was not claimed: a third session may take it.
    expect(() => createSession({ params: [fresh] })).not.toThrow();
    other.dispose();
    session.dispose();
  });
});

describe('createSession options', () => {
  test('refuses a field it does not have (a parameter passed in place of the options object), naming it', () => {
    const lr = param('lr', { initial: 0.1 });
    expect(() => createSession(lr as never)).toThrow(/^createSession\.options\.\w+: got .*, expected no such field/);
    expect(() => createSession({ parms: [lr] } as never)).toThrow(/createSession\.options\.parms: .*did you mean "params"/);
    expect(() => createSession(7 as never)).toThrow(/^createSession\.options: got 7, expected an object/);
    // Nothing was claimed: the parameter can still join a session.
    expect(createSession({ params: [lr] }).values()).toEqual({ lr: 0.1 });
  });
});
