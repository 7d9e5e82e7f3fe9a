import type { HistoryPoint } from '../../params/driver.js';

/**
 * The value a parameter's history says was in effect for the update that brought the clock to
 * `step` — the update applied at clock step `step - 1`: the last change point at or before it.
 * Scans from the end (a log asks for the newest update, so this is one or two comparisons).
 * `undefined` when the history no longer reaches back that far (a `historyLimit` that dropped
 * the point).
 *
 * The history, not the current value, because a controller reacts to an update's signals before
 * a logger subscribed after it hears them: by then its value is already the next update's.
 *
 * @example
 * ```ts
 * import { valueUsedBy } from './values-used.js';
 * const history = [{ step: 0, value: 0.1 }, { step: 2, value: 0.05 }];
 * valueUsedBy(history, 2); // 0.1  (update 2 ran at clock step 1)
 * valueUsedBy(history, 3); // 0.05
 * ```
 */
export function valueUsedBy(history: readonly HistoryPoint[], step: number): number | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const point = history[i] as HistoryPoint;
    if (point.step <= step - 1) return point.value;
  }
  return undefined;
}
