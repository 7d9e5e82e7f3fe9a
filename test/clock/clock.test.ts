import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { TrainingClock } from '../../src/clock/clock.js';
import {
  advanceClock,
  clockProgress,
  endClockEpoch,
  initialClockState,
  parseClockState,
  timeIn,
} from '../../src/clock/state.js';
import { HyperscheduleError } from '../../src/errors.js';

describe('TrainingClock', () => {
  test('epoch time follows samples seen when the batch size changes mid-epoch', () => {
    const clock = new TrainingClock({ samplesPerEpoch: 100 });
    const epochs = [10, 10, 30, 50].map((b) => clock.advance(b).epoch);
    expect(epochs).toEqual([0.1, 0.2, 0.5, 1]);
    expect(clock.step).toBe(4);
    expect(clock.samples).toBe(100);
  });

  test('property: steps count updates, samples sum batch sizes, epoch = boundaries + fraction', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 64 }), fc.constant('end' as const)), { maxLength: 60 }),
        (perEpoch, events) => {
          const clock = new TrainingClock({ samplesPerEpoch: perEpoch });
          let steps = 0;
          let samples = 0;
          let inEpoch = 0;
          let ends = 0;
          for (const e of events) {
            if (e === 'end') {
              clock.endEpoch();
              ends += 1;
              inEpoch = 0;
            } else {
              clock.advance(e);
              steps += 1;
              samples += e;
              inEpoch += e;
            }
            expect(clock.step).toBe(steps);
            expect(clock.timeIn('sample')).toBe(samples);
            expect(clock.epoch).toBeCloseTo(ends + inEpoch / perEpoch, 12);
          }
        },
      ),
    );
  });

  test('an unknown samplesPerEpoch is learnt at the first epoch end; before that epochs are whole', () => {
    const clock = new TrainingClock();
    clock.advance(30);
    clock.advance(30);
    expect(clock.epoch).toBe(0);
    expect(clock.endEpoch().samplesPerEpoch).toBe(60);
    clock.advance(15);
    expect(clock.epoch).toBe(1.25);
  });

  test('progress uses epochs (counted in samples), else totalSamples, else totalSteps, clamped to [0, 1]', () => {
    const s = advanceClock(advanceClock(initialClockState({ samplesPerEpoch: 10 }), 5), 5);
    expect(clockProgress(s, { totalSteps: 4 })).toBe(0.5);
    // One epoch of samples is done, whatever steps per epoch a constant batch would have taken.
    expect(clockProgress(s, { epochs: 2, stepsPerEpoch: 4 })).toBe(0.5);
    expect(clockProgress(s, { epochs: 2, totalSteps: 16 })).toBe(0.5);
    expect(clockProgress(advanceClock(initialClockState(), 5), { epochs: 1, stepsPerEpoch: 4 })).toBe(0.25); // samplesPerEpoch unknown: steps
    expect(clockProgress(advanceClock(initialClockState({ samplesPerEpoch: 10 }), undefined), { epochs: 1, stepsPerEpoch: 4 })).toBe(0.25); // sizes unknown
    expect(clockProgress(s, { epochs: 4 })).toBe(0.25);
    expect(clockProgress(s, { totalSamples: 40 })).toBe(0.25);
    expect(clockProgress(s, { totalSteps: 1 })).toBe(1);
    expect(clockProgress(s, {})).toBeUndefined();
  });

  test('timeIn refuses what the clock cannot know', () => {
    const unknownSamples = advanceClock(initialClockState(), undefined);
    expect(() => timeIn(unknownSamples, 'sample')).toThrow(HyperscheduleError);
    expect(timeIn(unknownSamples, 'step')).toBe(1);
    expect(timeIn(initialClockState(), 'progress')).toBe(0); // nothing happened yet: 0 whatever the length
    expect(() => timeIn(advanceClock(initialClockState(), 1), 'progress')).toThrow(/clock.run/);
    expect(() => advanceClock(initialClockState(), 2.5)).toThrow(/batchSize: got 2.5/);
  });

  test('completeRun fills only unknown fields', () => {
    const clock = new TrainingClock({ epochs: 10 });
    clock.completeRun({ epochs: 3, samplesPerEpoch: 50 });
    expect(clock.run).toEqual({ epochs: 10, samplesPerEpoch: 50 });
    clock.advance(25);
    expect(clock.epoch).toBe(0.5);
    expect(() => clock.completeRun({ totalSteps: -1 })).toThrow(HyperscheduleError);
  });

  test('state round-trips through JSON and bad states are refused with the field named', () => {
    const clock = new TrainingClock({ samplesPerEpoch: 8 });
    clock.advance(4);
    clock.endEpoch();
    const copy = new TrainingClock({ samplesPerEpoch: 8 });
    copy.restore(JSON.parse(JSON.stringify(clock.state)));
    expect(copy.snapshot()).toEqual(clock.snapshot());
    expect(() => parseClockState({ ...clock.state, step: -1 })).toThrow(/clock.step: got -1/);
    expect(() => parseClockState({ ...clock.state, samplesPerEpoch: 0 })).toThrow(/clock.samplesPerEpoch/);
    expect(() => parseClockState(null)).toThrow(HyperscheduleError);
    expect(endClockEpoch(initialClockState()).samplesPerEpoch).toBeNull(); // nothing seen: nothing learnt
  });

  test('state errors have the one form: field, value, what is allowed; unknown fields are refused', () => {
    const state = initialClockState();
    expect(() => parseClockState({ ...state, step: 1.5 })).toThrow('clock.step: got 1.5, expected a finite integer >= 0');
    expect(() => parseClockState({ ...state, samplesPerEpoch: 0 }, 'state.clock')).toThrow('state.clock.samplesPerEpoch: got 0, expected a finite number > 0');
    expect(() => parseClockState({ ...state, samplesCounted: 'yes' })).toThrow('clock.samplesCounted: got "yes", expected true or false');
    expect(() => parseClockState({ ...state, epoch: 3 })).toThrow(/^clock\.epoch: got 3, expected no such field; accepted: step, samples/);
    const { samples: _dropped, ...missing } = state;
    expect(() => parseClockState(missing)).toThrow('clock.samples: got undefined, expected a finite integer >= 0');
    expect(parseClockState({ ...state, samplesPerEpoch: 64 })).toEqual({ ...state, samplesPerEpoch: 64 });
  });
});

describe('clock restore', () => {
  test('a refused state leaves the clock as it was; the fields must agree', () => {
    const clock = new TrainingClock({ samplesPerEpoch: 100 });
    clock.advance(30);
    const before = clock.state;
    expect(() => clock.restore({ ...before, samplesInEpoch: 31 })).toThrow(/clock\.samplesInEpoch: got 31, expected at most samples \(30\)/);
    expect(() => clock.restore({ ...before, step: Number.MAX_SAFE_INTEGER + 1 })).toThrow(/clock\.step: got 9007199254740992/);
    expect(() => clock.restore({ ...before, samples: 1e300 })).toThrow(/clock\.samples/);
    expect(clock.state).toBe(before);
  });

  test('prepareRestore validates now and applies later', () => {
    const clock = new TrainingClock();
    const apply = clock.prepareRestore({ ...initialClockState(), step: 7, samples: 70, samplesInEpoch: 70 }, 'saved.clock');
    expect(clock.step).toBe(0);
    apply();
    expect(clock.step).toBe(7);
    expect(() => clock.prepareRestore({ ...initialClockState(), step: -1 }, 'saved.clock')).toThrow(/saved\.clock\.step: got -1/);
  });
});
