/**
 * The non-finite numbers inside a signal-like value: walks numbers, arrays and plain objects
 * (a few levels deep) and returns each NaN/±Infinity by its dotted path. Empty when all are
 * finite. Controllers use it so a NaN input never reaches their state.
 *
 * @example
 * ```ts
 * import { nonFiniteFields } from './finite.js';
 * nonFiniteFields({ loss: Number.NaN, lr: 0.1 });      // { loss: NaN }
 * nonFiniteFields(Number.POSITIVE_INFINITY);          // { value: Infinity }
 * nonFiniteFields({ norms: { a: 1, b: 2 } });          // {}
 * ```
 */
export function nonFiniteFields(input: unknown, maxDepth = 4): Record<string, number> {
  const found: Record<string, number> = {};
  const walk = (value: unknown, path: string, depth: number): void => {
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) found[path || 'value'] = value;
      return;
    }
    if (depth >= maxDepth || typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, path ? `${path}.${i}` : String(i), depth + 1));
      return;
    }
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return; // tensors, class instances: not ours to inspect
    for (const [key, item] of Object.entries(value)) walk(item, path ? `${path}.${key}` : key, depth + 1);
  };
  walk(input, '', 0);
  return found;
}

/**
 * Splits a record of numbers into its finite entries and its non-finite ones.
 *
 * @example
 * ```ts
 * import { splitFinite } from './finite.js';
 * splitFinite({ a: 1, b: Number.NaN }); // { finite: { a: 1 }, bad: { b: NaN } }
 * ```
 */
export function splitFinite(values: Readonly<Record<string, number>>): { finite: Record<string, number>; bad: Record<string, number> } {
  const finite: Record<string, number> = {};
  const bad: Record<string, number> = {};
  for (const [key, value] of Object.entries(values)) {
    if (typeof value !== 'number') continue;
    if (Number.isFinite(value)) finite[key] = value;
    else bad[key] = value;
  }
  return { finite, bad };
}
