import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HyperscheduleError, constant, fromJSON as decodeSpec, linear, sequence, warmup,
  type FromJSONOptions, type JsonValue, type RunLength, type ScheduleSpec, type TimeUnit,
} from '../../src/index.js';
import { scheduleTypes } from '../../src/schedules/json.js';
import { MAX_NESTING } from '../../src/schedules/define.js';

type Spec = { type: string; [key: string]: JsonValue };
type Args = Record<string, JsonValue>;

function errorOf(fn: () => unknown): HyperscheduleError {
  try { fn(); } catch (e) { expect(e).toBeInstanceOf(HyperscheduleError); return e as HyperscheduleError; }
  throw new Error('expected a HyperscheduleError');
}

// ---- generators of valid specs ------------------------------------------------------------

/** Doubles in [min, max] without -0 (JSON turns -0 into 0). */
const num = (min: number, max: number): fc.Arbitrary<number> =>
  fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x));
const int = (min: number, max: number): fc.Arbitrary<number> => fc.integer({ min, max });
const SUFFIX: Record<TimeUnit, string> = { step: 'ba', epoch: 'ep', sample: 'sp', progress: 'dur' };
/** The run given to fromJSON, so specs may hold time strings in other units. */
const RUN: RunLength = { epochs: 50, stepsPerEpoch: 20, samplesPerEpoch: 640 };
const PER_EPOCH: Record<TimeUnit, number> = { step: 20, epoch: 1, sample: 640, progress: 1 / 50 };

/**
 * A duration of `n` units of `unit` (n an integer so constraints between durations hold exactly),
 * written as a number, as a time string in the same unit, or as the equal number of epochs.
 */
const dur = (unit: TimeUnit, min: number, max: number): fc.Arbitrary<JsonValue> =>
  int(min, max).chain((n) => fc.constantFrom<JsonValue>(n, `${n}${SUFFIX[unit]}`, ...(unit === 'epoch' || (n / PER_EPOCH[unit]) % 1 !== 0 ? [] : [`${n / PER_EPOCH[unit]}ep`])));
const bool = fc.boolean();
const lr = num(1e-4, 1);
/** A record whose keys outside `requiredKeys` are sometimes left out (so defaults are exercised too). */
const opt = (requiredKeys: string[], record: Record<string, fc.Arbitrary<JsonValue>>): fc.Arbitrary<Args> =>
  fc.record(record, { requiredKeys: requiredKeys as never[] }) as fc.Arbitrary<Args>;

/**
 * Valid arguments of every family, by type. Every registered type must have an entry (checked
 * below), so a new family cannot skip the round-trip property.
 */
const LAMBDAS = ['json-test-halving', 'json-test-rsqrt'];
const LAMBDA_FNS = {
  [LAMBDAS[0]!]: (t: number) => 0.1 / 2 ** Math.floor(t / 10),
  [LAMBDAS[1]!]: (t: number) => 0.1 / Math.sqrt(1 + t),
};
/** fromJSON with the lambdas the generated specs name. */
const fromJSON = (spec: unknown, options: FromJSONOptions = {}) => decodeSpec(spec, { lambdas: LAMBDA_FNS, ...options });

const FAMILY_ARGS: Record<string, (unit: TimeUnit) => fc.Arbitrary<Args>> = {
  constant: () => fc.record({ value: num(-10, 10) }),
  stepDecay: (u) => fc.record({ init: lr, stepSize: dur(u, 1, 100), gamma: num(0, 1) }),
  multiStepDecay: (u) => fc.record({
    init: lr, gamma: num(0, 1), asStrings: bool,
    milestones: fc.uniqueArray(int(0, 500), { maxLength: 5 }).map((m) => [...m].sort((a, b) => a - b)),
  }).map(({ asStrings, ...a }) => ({ ...a, milestones: a.milestones.map((m) => (asStrings ? `${m}${SUFFIX[u]}` : m)) })),
  exponentialDecay: (u) => opt(['init', 'rate'], {
    init: lr, rate: num(0.5, 1.05), every: dur(u, 1, 50), staircase: bool, begin: dur(u, 0, 50), end: num(0, 1e-3),
  }),
  linear: (u) => fc.record({ init: num(-1, 1), end: num(-1, 1), duration: dur(u, 1, 500) }),
  polynomial: (u) => opt(['init', 'duration'], { init: lr, end: num(0, 1e-3), duration: dur(u, 1, 500), power: num(0, 3), cycle: bool }),
  cosine: (u) => opt(['init', 'duration'], {
    init: lr, duration: dur(u, 1, 500), min: num(0, 1e-3), exponent: num(0.25, 4), periodic: bool, k: num(0.25, 4),
  }),
  cosineWarmRestarts: () => int(2, 100).chain((period) => opt(['init', 'period'], {
    init: lr, period: fc.constant(period), periodMult: num(1, 3), min: num(0, 1e-3), peakDecay: num(0, 1), warmup: int(0, period - 1),
  })),
  cyclic: (u) => opt(['base', 'max', 'stepSizeUp'], {
    base: num(0, 1e-3), max: lr, stepSizeUp: dur(u, 1, 100), stepSizeDown: dur(u, 1, 100),
    mode: fc.constantFrom('triangular', 'triangular2', 'exp_range'), gamma: num(0.9, 1),
  }),
  oneCycle: (u) => opt(['max', 'total'], {
    max: lr, total: dur(u, 20, 1000), pctStart: num(0.1, 0.9), anneal: fc.constantFrom('cos', 'linear'),
    divFactor: num(1, 100), finalDivFactor: num(1, 1e4), threePhase: bool,
  }),
  inverseTime: (u) => opt(['init', 'rate'], { init: lr, rate: num(0, 2), every: dur(u, 1, 50), staircase: bool }),
  inverseSqrt: (u) => opt(['init'], { init: lr, timescale: dur(u, 1, 1000), warmup: dur(u, 0, 100) }),
  tanhDecay: (u) => opt(['init', 'duration'], {
    init: lr, min: num(0, 1e-3), duration: dur(u, 1, 500), lower: num(-10, -1), upper: num(0, 10),
  }),
  warmupStableDecay: (u) => int(10, 1000).chain((total) => opt(['peak', 'total', 'warmup', 'decay'], {
    peak: lr, total: fc.constant(`${total}${SUFFIX[u]}`), warmup: int(0, Math.floor(total / 3)), decay: int(0, Math.floor(total / 3)),
    decayShape: fc.constantFrom('linear', 'cosine', '1-sqrt'), warmupShape: fc.constantFrom('linear', 'cosine', '1-sqrt'),
    min: num(0, 1e-4), init: num(0, 1e-4),
  })),
  piecewiseConstant: (u) => fc.uniqueArray(int(0, 500), { maxLength: 4 }).chain((b) => fc.record({
    boundaries: fc.constant([...b].sort((x, y) => x - y).map((x, i) => (i % 2 ? `${x}${SUFFIX[u]}` : x))),
    values: fc.array(num(-1, 1), { minLength: b.length + 1, maxLength: b.length + 1 }),
  })),
  piecewiseLinear: () => fc.uniqueArray(int(0, 500), { minLength: 1, maxLength: 5 }).chain((times) => fc.record({
    points: fc.tuple(...[...times].sort((x, y) => x - y).map((time) => num(-1, 1).map((v): JsonValue => [time, v]))),
    shape: fc.constantFrom('linear', 'cosine'),
  })),
  lambda: () => fc.constantFrom(...LAMBDAS).map((name) => ({ name })),
  oneCycleMomentum: (u) => opt(['total'], {
    base: num(0.8, 0.9), max: num(0.9, 0.99), total: dur(u, 20, 1000), pctStart: num(0.1, 0.9),
    anneal: fc.constantFrom('cos', 'linear'), threePhase: bool,
  }),
};

/** Families that wrap a child schedule: generated with the combinators. */
const WRAPPING_FAMILIES = ['withNoise'];
const COMBINATOR_TYPES = ['warmup', 'sequence', 'product', 'scale', 'clamp', 'shift', 'repeat', 'quantize'];
const BATCH_TYPES = ['batchSize', 'batchScaledLr', 'batchForDecay'];

/** Nested specs of one unit: families at the leaves, every combinator in between. */
function specs(unit: TimeUnit): fc.Arbitrary<Spec> {
  const leaves = fc.oneof(...Object.entries(FAMILY_ARGS)
    .map(([type, args]) => args(unit).map((a): Spec => ({ type, unit, ...a }))));
  const { node } = fc.letrec<{ node: Spec }>((tie) => {
    const child = tie('node');
    const withUnit = fc.constantFrom<Args>({ unit }, {});
    const nodes: Record<string, fc.Arbitrary<Spec>> = {
      warmup: fc.tuple(child, dur(unit, 0, 100), fc.constantFrom('linear', 'cosine', 'exponential'), num(1e-4, 1), fc.boolean(), withUnit)
        .map(([schedule, duration, shape, from, overlap, u]) => ({
          type: 'warmup', ...u, duration, from, shape, overlap,
          // An exponential ramp needs a positive peak: keep the child above 1e-3.
          schedule: shape === 'exponential' ? { type: 'clamp', min: 1e-3, schedule } : schedule,
        })),
      sequence: fc.array(child, { minLength: 1, maxLength: 3 }).chain((schedules) =>
        fc.uniqueArray(int(0, 300), { minLength: schedules.length - 1, maxLength: schedules.length - 1 })
          .map((b): Spec => ({ type: 'sequence', schedules, boundaries: [...b].sort((x, y) => x - y) }))),
      product: fc.array(child, { minLength: 1, maxLength: 3 }).map((schedules): Spec => ({ type: 'product', schedules })),
      scale: fc.tuple(child, num(-2, 2)).map(([schedule, factor]): Spec => ({ type: 'scale', factor, schedule })),
      clamp: fc.tuple(child, num(-1, 1), num(0, 1), fc.constantFrom('both', 'min', 'max')).map(([schedule, lo, width, which]): Spec => ({
        type: 'clamp', schedule, ...(which !== 'max' ? { min: lo } : {}), ...(which !== 'min' ? { max: lo + width } : {}),
      })),
      shift: fc.tuple(child, dur(unit, 0, 100)).map(([schedule, offset]): Spec => ({ type: 'shift', offset, schedule })),
      repeat: fc.tuple(child, dur(unit, 1, 200)).map(([schedule, period]): Spec => ({ type: 'repeat', period, schedule })),
      quantize: fc.tuple(child, fc.option(dur(unit, 1, 50), { nil: undefined })).map(([schedule, every]): Spec => ({
        type: 'quantize', schedule, ...(every === undefined ? {} : { every }),
      })),
      withNoise: fc.tuple(child, opt([], {
        pct: num(0.01, 1), std: num(0.1, 2), seed: int(-1e9, 1e9), noiseType: fc.constantFrom('normal', 'uniform'),
        range: fc.tuple(int(0, 100), fc.option(int(1, 100), { nil: undefined })).map(([a, len]): JsonValue => (len === undefined ? [a] : [a, a + len])),
      })).map(([schedule, args]): Spec => ({ type: 'withNoise', schedule, ...args })),
      batchSize: fc.tuple(child, int(1, 4), int(1, 8), int(0, 100), fc.constantFrom('round', 'floor', 'ceil'))
        .map(([schedule, multipleOf, lo, width, round]): Spec => ({
          type: 'batchSize', schedule, multipleOf, min: lo * multipleOf, max: (lo + width) * multipleOf, round,
        })),
      batchScaledLr: fc.tuple(child, child, int(1, 512), fc.constantFrom('linear', 'sqrt', 'none'))
        .map(([lr, batch, baseBatch, rule]): Spec => ({
          type: 'batchScaledLr', lr, baseBatch, rule, batchSize: { type: 'batchSize', schedule: batch, min: 1, max: 1024 },
        })),
      batchForDecay: fc.tuple(child, int(1, 256), num(1e-3, 1))
        .map(([lr, baseBatch, referenceLr]): Spec => ({ type: 'batchForDecay', lr, baseBatch, referenceLr })),
    };
    return { node: fc.oneof({ depthSize: 'small', maxDepth: 4 }, leaves, ...[...COMBINATOR_TYPES, ...WRAPPING_FAMILIES, ...BATCH_TYPES].map((t) => nodes[t]!)) };
  });
  return node;
}

const anySpec = fc.constantFrom<TimeUnit>('step', 'epoch', 'sample', 'progress').chain(specs);

function typesIn(spec: JsonValue, into: Set<string>): Set<string> {
  if (Array.isArray(spec)) spec.forEach((s) => typesIn(s, into));
  else if (typeof spec === 'object' && spec !== null) {
    const record = spec as Record<string, JsonValue>;
    if (typeof record.type === 'string') into.add(record.type);
    Object.values(record).forEach((v) => typesIn(v, into));
  }
  return into;
}

const TIMES = [0, 0.5, 1, 2.5, 7, 10, 19.99, 20, 33, 50, 99, 100, 101, 150, 199.5, 250, 400, 1000];

// ---- properties -------------------------------------------------------------------------------

describe('JSON round trip', () => {
  it('has a spec generator for every registered schedule type', () => {
    expect([...Object.keys(FAMILY_ARGS), ...WRAPPING_FAMILIES, ...COMBINATOR_TYPES, ...BATCH_TYPES].sort()).toEqual(scheduleTypes());
  });

  it('toJSON -> JSON text -> fromJSON gives an equal schedule, for random nested specs of every type', () => {
    const seen = new Set<string>();
    fc.assert(fc.property(anySpec, (spec) => {
      typesIn(spec, seen);
      const schedule = fromJSON(spec, { run: RUN });
      const json = schedule.toJSON();
      const text = JSON.stringify(json);
      const again = fromJSON(JSON.parse(text) as unknown);
      // Equal spec (no run needed: time strings are resolved), equal type and unit, equal values.
      expect(again.toJSON()).toEqual(json);
      expect(JSON.stringify(again.toJSON())).toBe(text);
      expect(again.type).toBe(spec.type);
      expect(again.unit).toBe(schedule.unit);
      for (const t of TIMES) {
        const v = schedule.at(t);
        expect(Number.isNaN(v)).toBe(false);
        expect(Object.is(again.at(t), v)).toBe(true);
      }
    }), { numRuns: 300 });
    // Every registered type actually occurred in the generated specs.
    expect([...seen].sort()).toEqual(scheduleTypes());
  });

  it('nested specs keep their children\'s unit', () => {
    fc.assert(fc.property(fc.constantFrom<TimeUnit>('step', 'epoch', 'sample', 'progress').chain((u) => specs(u).map((s) => [u, s] as const)), ([u, spec]) => {
      expect(fromJSON(spec, { run: RUN }).unit).toBe(u);
    }), { numRuns: 50 });
  });

  it('a hand-written spec with time strings resolves against the run', () => {
    const spec = { type: 'warmup', duration: '5ep', schedule: { type: 'cosine', init: 0.1, duration: '0.5dur' } };
    const s = fromJSON(spec, { run: { epochs: 20, stepsPerEpoch: 10 } });
    expect(s.toJSON()).toMatchObject({ duration: 50, schedule: { duration: 100 } });
    expect(s.at(50)).toBe(0.1);
    expect(s.at(150)).toBeCloseTo(0, 15);
  });

  it('factories and fromJSON agree', () => {
    const made = sequence([warmup(constant({ value: 1 }), { duration: 4 }), linear({ init: 1, end: 0, duration: 10 })], [10]);
    const decoded = fromJSON({
      type: 'sequence', boundaries: [10],
      schedules: [{ type: 'warmup', duration: 4, schedule: { type: 'constant', value: 1 } }, { type: 'linear', init: 1, end: 0, duration: 10 }],
    });
    expect(decoded.toJSON()).toEqual(made.toJSON());
    for (const t of TIMES) expect(decoded.at(t)).toBe(made.at(t));
  });
});

// ---- errors naming the path -----------------------------------------------------------------------

describe('fromJSON errors', () => {
  it('non-object specs name the path', () => {
    for (const bad of [null, 3, 'cosine', [], undefined, true]) {
      const e = errorOf(() => fromJSON(bad));
      expect(e.field).toBe('spec');
      expect(e.message).toMatch(/^spec: got .*, expected a schedule spec object with a "type" field$/);
    }
  });

  it('unknown or missing types list the registered ones', () => {
    const e = errorOf(() => fromJSON({ type: 'cosin', init: 1 }));
    expect(e.field).toBe('spec.type');
    expect(e.message).toContain('spec.type: got "cosin", expected one of ');
    for (const type of scheduleTypes()) expect(e.allowed).toContain(type);
    expect(errorOf(() => fromJSON({ init: 1 })).field).toBe('spec.type');
    expect(errorOf(() => fromJSON({ type: 7 })).field).toBe('spec.type');
  });

  it('errors inside nested specs name where the child sits', () => {
    const inSequence = errorOf(() => fromJSON({
      type: 'sequence', boundaries: [5],
      schedules: [{ type: 'constant', value: 1 }, { type: 'nope' }],
    }));
    expect(inSequence.field).toBe('spec.sequence.schedules[1].type');
    const deep = errorOf(() => fromJSON({ type: 'warmup', duration: 1, schedule: { type: 'scale', factor: 2, schedule: 42 } }));
    expect(deep.field).toBe('scale.schedule');
    const deeper = errorOf(() => fromJSON({ type: 'warmup', duration: 1, schedule: { type: 'product', schedules: [{ type: 'constant', value: 1 }, 'x'] } }));
    expect(deeper.field).toBe('product.schedules[1]');
    const missingChild = errorOf(() => fromJSON({ type: 'repeat', period: 3 }));
    expect(missingChild.field).toBe('repeat.schedule');
  });

  it('bad fields of combinator specs name combinator.field', () => {
    const c: ScheduleSpec = { type: 'constant', value: 1 };
    const field = (spec: unknown): string => errorOf(() => fromJSON(spec)).field;
    expect(field({ type: 'warmup', schedule: c })).toBe('warmup.duration');
    expect(field({ type: 'warmup', schedule: c, duration: -2 })).toBe('warmup.duration');
    expect(field({ type: 'warmup', schedule: c, duration: 2, shape: 3 })).toBe('warmup.shape');
    expect(field({ type: 'warmup', schedule: c, duration: 2, overlap: 'yes' })).toBe('warmup.overlap');
    expect(field({ type: 'warmup', schedule: c, duration: 2, from: '0' })).toBe('warmup.from');
    expect(field({ type: 'warmup', schedule: c, duration: 2, warmupSteps: 2 })).toBe('warmup.warmupSteps');
    expect(field({ type: 'warmup', schedule: c, duration: '2ep' })).toBe('warmup.duration (run.stepsPerEpoch)');
    expect(field({ type: 'sequence', schedules: [c, c], boundaries: [3, 2] })).toBe('sequence.boundaries');
    expect(field({ type: 'sequence', schedules: [c, c, c], boundaries: [3, 2] })).toBe('sequence.boundaries[1]');
    expect(field({ type: 'sequence', schedules: [c, c], boundaries: 3 })).toBe('sequence.boundaries');
    expect(field({ type: 'sequence', schedules: [], boundaries: [] })).toBe('sequence.schedules');
    expect(field({ type: 'sequence', schedules: [c, { ...c, unit: 'epoch' }], boundaries: [1] })).toBe('sequence.schedules[1].unit');
    expect(field({ type: 'sequence', unit: 'epoch', schedules: [c], boundaries: [] })).toBe('sequence.unit');
    expect(field({ type: 'product', schedules: c })).toBe('product.schedules');
    expect(field({ type: 'scale', schedule: c })).toBe('scale.factor');
    expect(field({ type: 'scale', schedule: c, factor: null })).toBe('scale.factor');
    expect(field({ type: 'clamp', schedule: c })).toBe('clamp.bounds');
    expect(field({ type: 'clamp', schedule: c, min: 1, max: 0 })).toBe('clamp.max');
    expect(field({ type: 'clamp', schedule: c, min: 'low' })).toBe('clamp.min');
    expect(field({ type: 'shift', schedule: c, offset: -1 })).toBe('shift.offset');
    expect(field({ type: 'repeat', schedule: c, period: 0 })).toBe('repeat.period');
    expect(field({ type: 'quantize', schedule: c, every: [] })).toBe('quantize.every');
  });
});

describe('fromJSON: nesting depth and options', () => {
  /** `levels` specs nested through `scale` (level 1 is the outermost). */
  const nested = (levels: number): Record<string, unknown> => {
    let spec: Record<string, unknown> = { type: 'constant', value: 1 };
    for (let i = 1; i < levels; i++) spec = { type: 'scale', factor: 1, schedule: spec };
    return spec;
  };

  it(`reads specs nested up to ${MAX_NESTING} levels`, () => {
    const s = decodeSpec(nested(MAX_NESTING));
    expect(s.at(3)).toBe(1);
    expect(decodeSpec(JSON.parse(JSON.stringify(s.toJSON()))).toJSON()).toEqual(s.toJSON());
  });

  it('refuses a spec nested 3,000+ deep with a field-naming error, not a stack overflow', () => {
    for (const levels of [MAX_NESTING + 1, 3_000, 100_000]) {
      const e = errorOf(() => decodeSpec(nested(levels)));
      expect(e.field).toBe(`spec${'.scale.schedule'.repeat(MAX_NESTING)}`);
      expect(e.value).toBe(MAX_NESTING + 1);
      expect(e.message).toContain(`got ${MAX_NESTING + 1}, expected at most ${MAX_NESTING} levels`);
      expect(e.message.length).toBeLessThan(500);
    }
  });

  it('refuses a spec that contains itself', () => {
    const loop: Record<string, unknown> = { type: 'scale', factor: 1 };
    loop.schedule = loop;
    expect(errorOf(() => decodeSpec(loop)).value).toBe(MAX_NESTING + 1);
    const list: Record<string, unknown> = { type: 'product' };
    list.schedules = [list];
    expect(errorOf(() => decodeSpec(list)).field).toMatch(/^spec\.product\.schedules\[0\]/);
  });

  it('a field holding a 100k-deep or cyclic value is refused naming the field (the message quotes a short prefix)', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const value of [deep, cyclic]) {
      const e = errorOf(() => decodeSpec({ type: 'constant', value }));
      expect(e.field).toBe('constant.value');
      expect(e.message.length).toBeLessThan(200);
    }
  });

  it('refuses unknown option keys, naming the key and the accepted ones', () => {
    const spec = { type: 'cosine', init: 1, duration: '0.5dur' };
    const e = errorOf(() => decodeSpec(spec, { rn: { totalSteps: 10 } } as never));
    expect(e.field).toBe('fromJSON.options.rn');
    expect(e.allowed).toContain('run, lambdas');
    expect(e.allowed).toContain('did you mean "run"?');
    const run = errorOf(() => decodeSpec(spec, { run: { totalStep: 10 } } as never));
    expect(run.field).toBe('fromJSON.options.run.totalStep');
    expect(run.allowed).toContain('did you mean "totalSteps"?');
    expect(errorOf(() => decodeSpec(spec, { run: 10 } as never)).field).toBe('fromJSON.options.run');
  });
});
