import { HyperscheduleError } from '../../errors.js';
import { resolveDuration, type RunLength } from '../duration.js';
import type { TimeUnit } from '../schedule.js';

/**
 * How a number argument is checked: bounds and integer-ness (the error message is built from it).
 *
 * @example
 * ```ts
 * const probability: NumberCheck = { min: 0, max: 1 };
 * ```
 */
export interface NumberCheck {
  readonly min?: number;
  readonly minExclusive?: boolean;
  readonly max?: number;
  readonly maxExclusive?: boolean;
  readonly integer?: boolean;
}

function describe(check: NumberCheck): string {
  const kind = check.integer ? 'an integer' : 'a finite number';
  const { min, max } = check;
  if (min !== undefined && max !== undefined) {
    return `${kind} in ${check.minExclusive ? '(' : '['}${min}, ${max}${check.maxExclusive ? ')' : ']'}`;
  }
  if (min !== undefined) return `${kind} ${check.minExclusive ? '>' : '>='} ${min}`;
  if (max !== undefined) return `${kind} ${check.maxExclusive ? '<' : '<='} ${max}`;
  return kind;
}

function passes(value: number, check: NumberCheck): boolean {
  if (!Number.isFinite(value) || (check.integer && !Number.isInteger(value))) return false;
  if (check.min !== undefined && (check.minExclusive ? !(value > check.min) : !(value >= check.min))) return false;
  if (check.max !== undefined && (check.maxExclusive ? !(value < check.max) : !(value <= check.max))) return false;
  return true;
}

/**
 * Reads the arguments of one PyTorch scheduler spec. Unknown fields are rejected (a snake_case
 * `T_max` or a typo is reported with the accepted names), and every error names
 * `<path>.<field>`, the value and what PyTorch (or hyperschedule) allows.
 *
 * @example
 * ```ts
 * const args = new TorchArgs('StepLR', { type: 'StepLR', stepSize: '2ep' }, ['stepSize', 'gamma'], 'step', { stepsPerEpoch: 10 });
 * args.count('stepSize', { min: 1, integer: true }); // 20
 * args.number('gamma', { min: 0 }, 0.1);             // 0.1 (the default)
 * ```
 */
export class TorchArgs {
  /** Dotted path of this spec in the outermost one, e.g. `SequentialLR.schedulers[1]`. */
  readonly path: string;
  private readonly record: Readonly<Record<string, unknown>>;

  constructor(
    path: string,
    record: Readonly<Record<string, unknown>>,
    allowed: readonly string[],
    private readonly unit: TimeUnit,
    private readonly run: RunLength | undefined,
  ) {
    this.path = path;
    this.record = record;
    const known = new Set(['type', ...allowed]);
    for (const key of Object.keys(record)) {
      if (!known.has(key)) {
        const fields = allowed.length ? allowed.join(', ') : 'no arguments';
        this.fail(key, record[key], `no such field; ${String(record.type)} takes ${fields} (PyTorch's arguments in camelCase)`);
      }
    }
  }

  /** Throws the HyperscheduleError for `path.key`. */
  fail(key: string, value: unknown, allowed: string): never {
    throw new HyperscheduleError(`${this.path}.${key}`, value, allowed);
  }

  has(key: string): boolean {
    return this.record[key] !== undefined && this.record[key] !== null;
  }

  raw(key: string): unknown {
    return this.record[key];
  }

  /** A number argument, PyTorch's default when absent (no default = required). */
  number(key: string, check: NumberCheck = {}, fallback?: number, allowed?: string): number {
    const value = this.record[key];
    if ((value === undefined || value === null) && fallback !== undefined) return fallback;
    if (typeof value !== 'number' || !passes(value, check)) this.fail(key, value, allowed ?? describe(check));
    return value as number;
  }

  /**
   * A count of scheduler steps, given as a number or a time string resolved into the unit one
   * `scheduler.step()` counts.
   */
  count(key: string, check: NumberCheck = {}, fallback?: number): number {
    const value = this.record[key];
    if ((value === undefined || value === null) && fallback !== undefined) return fallback;
    return this.countValue(key, value, check);
  }

  /** {@link count} for a value that is not a direct field (an array entry named `key`). */
  countValue(key: string, value: unknown, check: NumberCheck = {}): number {
    if (typeof value !== 'number' && typeof value !== 'string') {
      this.fail(key, value, `${describe(check)} (or a time string such as "6ep")`);
    }
    const resolved = typeof value === 'number' ? value : resolveDuration(value, this.unit, this.run, `${this.path}.${key}`);
    if (!passes(resolved, check)) {
      const shown = typeof value === 'string' ? `${describe(check)} (the time string resolved to ${resolved} ${this.unit}s)` : describe(check);
      this.fail(key, value, shown);
    }
    return resolved;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.record[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') this.fail(key, value, 'true or false');
    return value as boolean;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const value = this.record[key];
    if (value === undefined || value === null) return fallback;
    if (!allowed.includes(value as T)) this.fail(key, value, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
    return value as T;
  }

  /** A required non-empty array argument. */
  array(key: string, what: string): readonly unknown[] {
    const value = this.record[key];
    if (!Array.isArray(value)) this.fail(key, value, what);
    return value as readonly unknown[];
  }
}
