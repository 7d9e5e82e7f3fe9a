/**
 * Errors raised for bad input. Every message names the field, the value received and what is
 * allowed, so a user can fix a config without reading source.
 *
 * @example
 * ```ts
 * import { HyperscheduleError } from 'hyperschedule';
 * try {
 *   throw new HyperscheduleError('cosine.decaySteps', -5, 'an integer >= 1');
 * } catch (e) {
 *   console.log((e as Error).message); // cosine.decaySteps: got -5, expected an integer >= 1
 * }
 * ```
 */
export class HyperscheduleError extends Error {
  /** Dotted path of the offending field, e.g. `"OneCycleLR.pctStart"`. */
  readonly field: string;
  /** The value that was rejected. */
  readonly value: unknown;
  /** Human-readable description of what is allowed, e.g. `"a number in (0, 1)"`. */
  readonly allowed: string;

  constructor(field: string, value: unknown, allowed: string) {
    super(`${field}: got ${describeValue(value)}, expected ${allowed}`);
    this.name = 'HyperscheduleError';
    this.field = field;
    this.value = value;
    this.allowed = allowed;
  }
}

/**
 * Renders a rejected value for an error message: numbers and strings as written, other values as
 * JSON (truncated), so `NaN`, `Infinity` and `undefined` stay readable.
 *
 * @example
 * ```ts
 * import { describeValue } from './errors.js';
 * describeValue(Number.NaN); // 'NaN'
 * ```
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || value === undefined) return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    const json = JSON.stringify(value);
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    return String(value);
  }
}
