import { Subject, map } from 'rxjs';
import type { Controller } from '../../src/controllers/index.js';
import type { Schedule, TimeUnit } from '../../src/schedules/schedule.js';

/** A tiny schedule from a function (the families are tested elsewhere). */
export function fnSchedule(type: string, unit: TimeUnit, f: (t: number) => number): Schedule {
  return { type, unit, at: f, toJSON: () => ({ type, unit }) };
}

/** 0.1 / (1 + t) in `unit`. */
export const inverse = (unit: TimeUnit = 'step'): Schedule => fnSchedule('inverse', unit, (t) => 0.1 / (1 + t));

/** A controller fed from an external Subject: its value is 1 + the running sum of inputs. */
export function summing(input = new Subject<number>()): { controller: Controller<{ sum: number }, number>; input: Subject<number> } {
  return {
    input,
    controller: {
      name: 'summing',
      initialState: { sum: 1 },
      input: () => input,
      step: (s, x) => ({ sum: s.sum + x }),
      value: (s) => s.sum,
      parseState: (json) => {
        const sum = (json as { sum?: unknown } | null)?.sum;
        if (typeof sum !== 'number') throw new Error('bad summing state');
        return { sum };
      },
    },
  };
}

/** Halves its value after more than `patience` epoch-end val losses without improvement (a toy plateau). */
export function halving(patience = 1): Controller<{ best: number | null; bad: number; value: number }, number> {
  return {
    name: 'halving',
    initialState: { best: null, bad: 0, value: 1 },
    input: (signals) => signals.metric('val_loss').pipe(map((m) => m.value)),
    step: (s, loss) => {
      if (s.best === null || loss < s.best) return { ...s, best: loss, bad: 0 };
      const bad = s.bad + 1;
      return bad > patience ? { best: s.best, bad: 0, value: s.value / 2 } : { ...s, bad };
    },
    value: (s) => s.value,
  };
}
