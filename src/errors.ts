/**
 * Errors raised for bad input. Every message names the field, the value received and what is
 * allowed, so a user can fix a config without reading source. Messages stay short whatever the
 * input: a value is quoted by a prefix (see {@link describeValue}), and a field path or allowed
 * list longer than a screen is clipped in the middle; the `field`, `value` and `allowed`
 * properties keep everything.
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
    super(`${clipMiddle(field, FIELD_LIMIT)}: got ${describeValue(value)}, expected ${clipMiddle(allowed, ALLOWED_LIMIT)}`);
    this.name = 'HyperscheduleError';
    this.field = field;
    this.value = value;
    this.allowed = allowed;
  }
}

/** Longest field path a message shows whole (a path through 100 nested specs is ~2 KB). */
const FIELD_LIMIT = 240;
/** Longest allowed-text a message shows whole (every schedule type listed is ~450 characters). */
const ALLOWED_LIMIT = 1000;
/** Characters of a rejected value a message shows. */
const VALUE_LIMIT = 80;

/** `text` itself, or its start and end around `… (N chars) …` when longer than `limit`. */
function clipMiddle(text: string, limit: number): string {
  const half = limit / 2 - 10;
  return text.length <= limit ? text : `${text.slice(0, half)}… (${text.length} chars) …${text.slice(-half)}`;
}

/**
 * Renders a rejected value for an error message: numbers as written; strings quoted, a long one
 * by its first 60 characters and its length (`"aaaa…" (10485760 chars)`); other values as JSON
 * cut at 80 characters, built by a walk that stops there, so a huge, deeply nested or cyclic
 * value costs no more than a small one. `NaN`, `Infinity` and `undefined` stay readable, and a
 * function is named, never printed.
 *
 * @example
 * ```ts
 * import { describeValue } from './errors.js';
 * describeValue(Number.NaN); // 'NaN'
 * describeValue('a'.repeat(1e6)).endsWith('…" (1000000 chars)'); // true
 * ```
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string': {
      const json = JSON.stringify(value.slice(0, VALUE_LIMIT));
      // A long (or escape-heavy) string: a prefix, cut again in case escapes made it longer.
      return value.length <= VALUE_LIMIT && json.length <= VALUE_LIMIT + 2 ? json : `${json.slice(0, 61)}…" (${value.length} chars)`;
    }
    case 'function': return `a function ${String(value.name).slice(0, VALUE_LIMIT)}`.trim();
    case 'object': return previewJson(value);
    default: return String(value).slice(0, VALUE_LIMIT);
  }
}

/**
 * JSON-like text of an object, at most {@link VALUE_LIMIT} characters (the last one `…` when cut).
 * Walks only as far as the text needs (every value visited costs one of a budget of
 * {@link VALUE_LIMIT}, and arrays and objects are cut to what is left of it), so a million-entry
 * array or a 100k-deep nesting costs a few entries. A cycle is written `"[Circular]"`; NaN,
 * Infinity and bigints as strings; a throwing `toJSON` or getter gives `an object`.
 */
function previewJson(value: unknown): string {
  let budget = VALUE_LIMIT;
  const seen = new Set<unknown>();
  let text: string | undefined;
  try {
    text = JSON.stringify(value, (_key, v: unknown) => {
      if (--budget < 0) return undefined;
      if (typeof v === 'string') return v.slice(0, VALUE_LIMIT);
      if (typeof v === 'bigint' || (typeof v === 'number' && !Number.isFinite(v))) return String(v);
      if (typeof v !== 'object' || v === null) return v;
      if (seen.has(v)) return '[Circular]';
      seen.add(v);
      return Array.isArray(v) ? v.slice(0, budget) : Object.fromEntries(Object.entries(v).slice(0, budget));
    });
  } catch {
    // A throwing toJSON, getter or proxy trap.
  }
  text ??= 'an object';
  return text.length > VALUE_LIMIT ? `${text.slice(0, VALUE_LIMIT - 1)}…` : text;
}
