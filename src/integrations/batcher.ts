import * as tf from '@tensorflow/tfjs-core';
import { HyperscheduleError } from '../errors.js';
import { ScheduledParameter } from '../params/parameter.js';
import { mulberry32 } from '../random.js';
import { BATCH_SIZE, HyperscheduleSession } from './session.js';

/**
 * The part of a `tf.data.Dataset` the batcher uses: an async iterator over single (unbatched)
 * elements, and optionally its size.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import type { DatasetLike } from 'hyperschedule';
 * const ds: DatasetLike<tf.TensorContainer> = tf.data.array([1, 2, 3]);
 * ```
 */
export interface DatasetLike<T> {
  iterator(): Promise<{ next(): Promise<IteratorResult<T>> }>;
  readonly size?: number | null;
}

/**
 * Tensors whose first axis indexes samples: one tensor, or a record of them (e.g. `{ xs, ys }`),
 * all with the same number of samples.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import type { TensorData } from 'hyperschedule';
 * const data: TensorData = { xs: tf.zeros([100, 4]), ys: tf.zeros([100, 1]) };
 * ```
 */
export type TensorData = tf.Tensor | Readonly<Record<string, tf.Tensor>>;

/**
 * Options of {@link scheduledBatches}.
 *
 * @example
 * ```ts
 * import { createSession, type BatcherOptions } from 'hyperschedule';
 * const o: BatcherOptions = { session: createSession({ batchSize: 32 }), shuffle: true, seed: 1 };
 * ```
 */
export interface BatcherOptions {
  /**
   * The session whose clock the batch size follows: the batcher reads its `'batchSize'`
   * parameter for every batch, counts each batch's samples and marks epoch ends.
   */
  readonly session: HyperscheduleSession;
  /** Shuffle arrays/tensors each epoch (datasets: use `dataset.shuffle`). Default false. */
  readonly shuffle?: boolean;
  /** Seed of the shuffle; the order depends on (seed, epoch), so a resumed run sees the same order. */
  readonly seed?: number;
  /** Drop a last batch smaller than the current batch size. Default false. */
  readonly dropLast?: boolean;
}

/**
 * Batches whose size follows the session's batch-size parameter. Iterate it (one pass = one
 * epoch, recorded in the session when the pass completes), or hand `generator` to
 * `tf.data.generator` for `model.fitDataset` (epochs are then recorded by the fit callback).
 * Tensor batches belong to the caller: dispose them (fitDataset does).
 *
 * @example
 * ```ts
 * import { createSession, param, scheduledBatches } from 'hyperschedule';
 * const batchSize = param('batchSize', { initial: 2 }, { domain: 'positiveInteger' });
 * const batches = scheduledBatches([1, 2, 3, 4, 5], { session: createSession({ params: [batchSize] }) });
 * const sizes = [];
 * for (const batch of batches) { sizes.push(batch.length); batchSize.set(3); }
 * sizes; // [2, 3]
 * ```
 */
export class ScheduledBatches<B> implements Iterable<B>, AsyncIterable<B> {
  /** Samples in one epoch, when known. */
  readonly samplesPerEpoch: number | undefined;
  /** A fresh epoch iterator per call, without epoch marks: `tf.data.generator(batches.generator)`. */
  readonly generator: () => Iterator<B> | AsyncIterator<B>;
  private readonly makeEpoch: (markEpochEnd: boolean) => Iterator<B> | AsyncIterator<B>;
  private readonly isAsync: boolean;

  /** @internal Use {@link scheduledBatches}. */
  constructor(samplesPerEpoch: number | undefined, isAsync: boolean, makeEpoch: (markEpochEnd: boolean) => Iterator<B> | AsyncIterator<B>) {
    this.samplesPerEpoch = samplesPerEpoch;
    this.isAsync = isAsync;
    this.makeEpoch = makeEpoch;
    this.generator = () => makeEpoch(false);
  }

  /** One epoch (arrays and tensors only). */
  [Symbol.iterator](): Iterator<B> {
    if (this.isAsync) throw new HyperscheduleError('scheduledBatches', 'a dataset', 'arrays or tensors for synchronous iteration; use `for await` with a dataset');
    return this.makeEpoch(true) as Iterator<B>;
  }

  /** One epoch, asynchronously (any data). */
  [Symbol.asyncIterator](): AsyncIterator<B> {
    const inner = this.makeEpoch(true);
    if (this.isAsync) return inner as AsyncIterator<B>;
    const sync = inner as Iterator<B>;
    return {
      next: async () => sync.next(),
      return: async (value?: unknown) => (sync.return ? sync.return(value as B) : { done: true, value: value as B }),
    };
  }
}

function readBatchSize(source: ScheduledParameter): number {
  const size = source.value;
  if (!Number.isInteger(size) || size < 1) throw new HyperscheduleError(`scheduledBatches.${BATCH_SIZE}`, size, 'an integer >= 1 (use the positiveInteger domain)');
  return size;
}

/** The session's batch-size parameter; a clear error when there is none. */
function sessionBatchSize(session: HyperscheduleSession, options: BatcherOptions): ScheduledParameter {
  // 0.1 took the batch size here too; a second source could disagree with the session's.
  if ('batchSize' in options) {
    throw new HyperscheduleError('scheduledBatches.batchSize', options.batchSize, `no such option: the batch size is the session's "${BATCH_SIZE}" parameter`);
  }
  const parameter = session.params.get(BATCH_SIZE);
  if (parameter === undefined) {
    throw new HyperscheduleError(
      'scheduledBatches.session',
      `no "${BATCH_SIZE}" parameter`,
      'a session with a batch size (createSession({ batchSize: 32 }))',
    );
  }
  return parameter;
}

function order(n: number, shuffle: boolean, seed: number, epoch: number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  if (!shuffle) return idx;
  const next = mulberry32(seed * 1_000_003 + epoch);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx;
}

function isDataset(data: unknown): data is DatasetLike<unknown> {
  return typeof data === 'object' && data !== null && typeof (data as { iterator?: unknown }).iterator === 'function' && !(data instanceof tf.Tensor);
}

function takeRows(t: tf.Tensor, idx: readonly number[], contiguous: boolean): tf.Tensor {
  return tf.tidy(() => {
    if (contiguous) return tf.slice(t, [idx[0]!, ...t.shape.slice(1).map(() => 0)], [idx.length, ...t.shape.slice(1).map(() => -1)]);
    return tf.gather(t, tf.tensor1d(idx as number[], 'int32'));
  });
}

/** Stacks dataset elements (tensors, numbers, arrays or plain objects of them) into a batch. */
function stackElements(items: unknown[], path = 'element'): unknown {
  const first = items[0];
  if (first instanceof tf.Tensor) return tf.stack(items as tf.Tensor[]);
  if (typeof first === 'number') return tf.tensor1d(items as number[]);
  if (Array.isArray(first)) return first.map((_, i) => stackElements(items.map((x) => (x as unknown[])[i]), `${path}.${i}`));
  if (typeof first === 'object' && first !== null) {
    return Object.fromEntries(Object.keys(first).map((k) => [k, stackElements(items.map((x) => (x as Record<string, unknown>)[k]), `${path}.${k}`)]));
  }
  throw new HyperscheduleError(`scheduledBatches.${path}`, first, 'a tensor, a number, or an array/object of them');
}

/**
 * Batches `data` with the session's batch size — its `'batchSize'` parameter, read for every
 * batch, so a change mid-epoch takes effect on the next batch — feeding each batch's size into
 * the session's clock and marking epoch ends. The session is required: without its clock a
 * batch-size schedule could not move.
 *
 * - arrays: batches are arrays of elements;
 * - tensors (one, or a record like `{ xs, ys }`): batches are row slices with the same shape;
 * - a `tf.data.Dataset` of single elements: batches are stacked elements (async iteration only).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { createSession, param, scheduledBatches } from 'hyperschedule';
 * const batchSize = param('batchSize', { initial: 16 }, { domain: 'positiveInteger' });
 * const session = createSession({ params: [batchSize] });
 * const data = { xs: tf.randomNormal([100, 4]), ys: tf.randomNormal([100, 1]) };
 * const batches = scheduledBatches(data, { session, shuffle: true });
 * // plain loop:  for (const { xs, ys } of batches) { ...; tf.dispose([xs, ys]); }
 * // model.fitDataset(tf.data.generator(batches.generator), { epochs: 3, callbacks: fitCallback(session) })
 * ```
 */
export function scheduledBatches<T>(data: readonly T[], options: BatcherOptions): ScheduledBatches<T[]>;
export function scheduledBatches<D extends TensorData>(data: D, options: BatcherOptions): ScheduledBatches<D>;
export function scheduledBatches<T>(data: DatasetLike<T>, options: BatcherOptions): ScheduledBatches<T>;
export function scheduledBatches(data: unknown, options: BatcherOptions): ScheduledBatches<unknown> {
  if (typeof options !== 'object' || options === null) throw new HyperscheduleError('scheduledBatches.options', options, 'an object with session');
  const { session, shuffle = false, seed = 0, dropLast = false } = options;
  if (!(session instanceof HyperscheduleSession)) {
    throw new HyperscheduleError('scheduledBatches.session', session, 'the session whose clock the batch size follows (createSession({ batchSize }))');
  }
  const batchSize = sessionBatchSize(session, options);
  readBatchSize(batchSize); // fail early on a bad batch size
  if (!Number.isInteger(seed)) throw new HyperscheduleError('scheduledBatches.seed', seed, 'an integer');
  const epochIndex = (): number => session.clock.state.epochsCompleted;

  if (isDataset(data)) {
    if (shuffle) throw new HyperscheduleError('scheduledBatches.shuffle', shuffle, 'false for a dataset (shuffle the dataset itself: dataset.shuffle(n))');
    const size = typeof data.size === 'number' && Number.isFinite(data.size) && data.size > 0 ? data.size : undefined;
    if (size !== undefined) session.clock.completeRun({ samplesPerEpoch: size });
    async function* epoch(mark: boolean): AsyncGenerator<unknown> {
      if (mark) session.expectEpochEnds();
      const it = await (data as DatasetLike<unknown>).iterator();
      for (;;) {
        const wanted = readBatchSize(batchSize);
        const items: unknown[] = [];
        let exhausted = false;
        while (items.length < wanted) {
          const r = await it.next();
          if (r.done) {
            exhausted = true;
            break;
          }
          items.push(r.value);
        }
        if (items.length > 0 && !(dropLast && items.length < wanted)) {
          const batch = stackElements(items);
          tf.dispose(items as tf.TensorContainer[]);
          session.queueBatch(items.length);
          yield batch;
        } else {
          tf.dispose(items as tf.TensorContainer[]);
        }
        if (exhausted) break;
      }
      if (mark) session.endEpoch();
    }
    return new ScheduledBatches(size, true, epoch);
  }

  let n: number;
  let take: (idx: readonly number[], contiguous: boolean) => unknown;
  if (Array.isArray(data)) {
    n = data.length;
    take = (idx) => idx.map((i) => (data as unknown[])[i]);
  } else if (data instanceof tf.Tensor) {
    if (data.rank < 1) throw new HyperscheduleError('scheduledBatches.data', data.shape, 'a tensor of rank >= 1 (samples on the first axis)');
    n = data.shape[0]!;
    take = (idx, contiguous) => takeRows(data, idx, contiguous);
  } else if (typeof data === 'object' && data !== null && Object.values(data).length > 0 && Object.values(data).every((t) => t instanceof tf.Tensor)) {
    const record = data as Record<string, tf.Tensor>;
    const counts = Object.entries(record).map(([k, t]) => [k, t.rank >= 1 ? t.shape[0]! : -1] as const);
    n = counts[0]![1];
    for (const [k, c] of counts) if (c !== n || c < 0) throw new HyperscheduleError(`scheduledBatches.data.${k}`, c, `${n} samples on the first axis, like the other tensors`);
    take = (idx, contiguous) => Object.fromEntries(Object.entries(record).map(([k, t]) => [k, takeRows(t, idx, contiguous)]));
  } else {
    throw new HyperscheduleError('scheduledBatches.data', data, 'an array, a tensor, a record of tensors or a tf.data.Dataset');
  }
  if (n > 0) session.clock.completeRun({ samplesPerEpoch: n });
  function* epoch(mark: boolean): Generator<unknown> {
    if (mark) session.expectEpochEnds();
    const idx = order(n, shuffle, seed, epochIndex());
    let position = 0;
    while (position < n) {
      const wanted = readBatchSize(batchSize);
      if (dropLast && n - position < wanted) break;
      const size = Math.min(wanted, n - position);
      const slice = idx.slice(position, position + size);
      position += size;
      session.queueBatch(size);
      yield take(slice, !shuffle);
    }
    if (mark) session.endEpoch();
  }
  return new ScheduledBatches(n, false, epoch);
}
