import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { BufferedFile } from './buffered-file.js';
import type { RunLogRow } from './row.js';
import { encodeTbEvent, type TbScalar } from './tb-event.js';
import { tfRecord } from './tfrecord.js';

/** The keys of a row that are its time, not scalars of their own. */
const NOT_SCALARS = new Set(['step', 'wallTime']);

/** What every TensorBoard event file starts with (its first event's `file_version`). */
const TB_FILE_VERSION = 'brain.Event:2';

/**
 * Whether `name` is a TensorBoard event file (`events.out.tfevents.*`).
 *
 * @example
 * ```ts
 * import { isEventFile } from './tensorboard.js';
 * isEventFile('events.out.tfevents.1700000000.gpu-1'); // true
 * ```
 */
export function isEventFile(name: string): boolean {
  return name.startsWith('events.out.tfevents.');
}

/**
 * The scalars of a row for TensorBoard: every key but `step` and `wallTime`, as tags; values
 * that are `null` (or not finite) are left out and counted.
 *
 * @example
 * ```ts
 * import { rowScalars } from './tensorboard.js';
 * rowScalars({ step: 3, wallTime: 5, loss: null, 'param/lr': 0.1 });
 * // { scalars: [{ tag: 'param/lr', value: 0.1 }], skipped: 1 }
 * ```
 */
export function rowScalars(row: RunLogRow): { scalars: TbScalar[]; skipped: number } {
  const scalars: TbScalar[] = [];
  let skipped = 0;
  for (const [tag, value] of Object.entries(row)) {
    if (NOT_SCALARS.has(tag)) continue;
    if (value !== null && Number.isFinite(value)) scalars.push({ tag, value });
    else skipped += 1;
  }
  return { scalars, skipped };
}

/**
 * Options of {@link TensorBoardWriter}.
 *
 * @example
 * ```ts
 * import type { TensorBoardWriterOptions } from './tensorboard.js';
 * const o: TensorBoardWriterOptions = { dir: 'runs/a/tb', flushEvery: 50, now: () => Date.now() };
 * ```
 */
export interface TensorBoardWriterOptions {
  /** The folder (created if missing); its older event files are removed first. */
  readonly dir: string;
  /** Events buffered before a write. */
  readonly flushEvery: number;
  /** Milliseconds since the Unix epoch (the file name's time, the first event's wall time). */
  readonly now: () => number;
  /** The file name's host part (default: `os.hostname()`). */
  readonly host?: string;
}

/**
 * Writes run log rows as a TensorBoard event file, `<dir>/events.out.tfevents.<time>.<host>`:
 * TFRecords, the first holding an event with `file_version` `brain.Event:2`, then one event per
 * row with the row's `wallTime` and `step` and a scalar summary (`simple_value`, float32) per
 * finite value. Non-finite values are skipped and counted ({@link TensorBoardWriter.skipped}).
 * The folder is the writer's: event files already in it are deleted, since the caller rewrites
 * what they held (a resumed run writes its kept rows again).
 *
 * @example
 * ```ts
 * import { TensorBoardWriter } from './tensorboard.js';
 * const tb = new TensorBoardWriter({ dir: '/tmp/hs-tb-example', flushEvery: 50, now: Date.now });
 * tb.write({ step: 1, wallTime: Date.now() / 1000, loss: 0.7, 'param/lr': 0.01 });
 * tb.close();
 * ```
 */
export class TensorBoardWriter {
  /** The event file. */
  readonly path: string;
  private readonly file: BufferedFile;
  private skippedValues = 0;

  constructor(options: TensorBoardWriterOptions) {
    mkdirSync(options.dir, { recursive: true });
    for (const name of readdirSync(options.dir)) if (isEventFile(name)) rmSync(join(options.dir, name), { force: true });
    const wallTime = options.now() / 1000;
    const host = (options.host ?? hostname()).replace(/[/\\]/g, '_');
    this.path = join(options.dir, `events.out.tfevents.${Math.floor(wallTime)}.${host}`);
    this.file = new BufferedFile(this.path, { flushEvery: options.flushEvery, append: false, exclusive: true });
    this.file.write(tfRecord(encodeTbEvent({ wallTime, step: 0, fileVersion: TB_FILE_VERSION })));
  }

  /** Values left out so far because they were not finite. */
  get skipped(): number {
    return this.skippedValues;
  }

  /** Adds a row's scalars as one event (a row without a finite scalar writes no event). */
  write(row: RunLogRow): void {
    const { scalars, skipped } = rowScalars(row);
    this.skippedValues += skipped;
    if (scalars.length === 0) return;
    this.file.write(tfRecord(encodeTbEvent({ wallTime: row.wallTime, step: row.step, scalars })));
  }

  /** Writes the buffered events. */
  flush(): void {
    this.file.flush();
  }

  /** Writes the buffered events and closes the file. */
  close(): void {
    this.file.close();
  }
}
