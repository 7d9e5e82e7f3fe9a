import { describeRange, inRange, noSuchField, type NumberRange } from '../../check.js';
import { HyperscheduleError } from '../../errors.js';
import { resolveDuration, type RunLength } from '../duration.js';
import type { TimeUnit } from '../schedule.js';

/**
 * Reads the arguments of one PyTorch scheduler spec. Unknown fields are rejected (a snake_case
 * `T_max` or a typo is reported with the accepted names), and every error names
 * `<path>.<field>`, the value and what PyTorch (or hyperschedule) allows.
 *
 * @example
 * ```ts
 * const args = new TorchArgs('StepLR', { type: 'StepLR', stepSize: '2ep' }, ['stepSize', 'gamma'], 'step', { stepsPerEpoch: 10 });
 * args.count('stepSize', { ge: 1, integer: true }); // 20
 * args.number('gamma', { ge: 0 }, 0.1);             // 0.1 (the default)
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
    for (const key of Object.keys(record)) {
      if (key !== 'type' && !allowed.includes(key)) {
        this.fail(key, record[key], `${noSuchField(key, allowed, `${String(record.type)} takes`)}; PyTorch's arguments are written in camelCase`);
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
  number(key: string, range: NumberRange = {}, fallback?: number, allowed?: string): number {
    const value = this.record[key];
    if ((value === undefined || value === null) && fallback !== undefined) return fallback;
    if (typeof value !== 'number' || !inRange(value, range)) this.fail(key, value, allowed ?? describeRange(range));
    return value as number;
  }

  /**
   * A count of scheduler steps, given as a number or a time string resolved into the unit one
   * `scheduler.step()` counts.
   */
  count(key: string, range: NumberRange = {}, fallback?: number): number {
    const value = this.record[key];
    if ((value === undefined || value === null) && fallback !== undefined) return fallback;
    return this.countValue(key, value, range);
  }

  /** {@link count} for a value that is not a direct field (an array entry named `key`). */
  countValue(key: string, value: unknown, range: NumberRange = {}): number {
    if (typeof value !== 'number' && typeof value !== 'string') {
      this.fail(key, value, `${describeRange(range)} (or a time string such as "6ep")`);
    }
    const resolved = typeof value === 'number' ? value : resolveDuration(value, this.unit, this.run, `${this.path}.${key}`);
    if (!inRange(resolved, range)) {
      const shown = typeof value === 'string' ? `${describeRange(range)} (the time string resolved to ${resolved} ${this.unit}s)` : describeRange(range);
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
