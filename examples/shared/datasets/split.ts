import { HyperscheduleError } from 'hyperschedule';
import { selectRows, type ImageDataset } from './dataset.js';
import { permutation } from '../rng.js';

/**
 * Seeded train/validation split, as `torch.utils.data.random_split(ds, [n - v, v])`: one seeded
 * permutation, the first `n - v` rows train, the last `v` validate, with
 * `v = round(n * valFraction)` (the study: 45,000/5,000 of 50,000 with seed 42).
 *
 * @example
 * ```ts
 * import { splitTrainVal } from './split.js';
 * // const { train, val } = splitTrainVal(cifar.train, { valFraction: 0.1, seed: 42 });
 * ```
 */
export function splitTrainVal(
  ds: ImageDataset,
  opts: { valFraction?: number; seed: number },
): { train: ImageDataset; val: ImageDataset } {
  const fraction = opts.valFraction ?? 0.1;
  if (!Number.isFinite(fraction) || fraction <= 0 || fraction >= 1) {
    throw new HyperscheduleError('split.valFraction', fraction, 'a number in (0, 1)');
  }
  const nVal = Math.round(ds.count * fraction);
  if (nVal < 1 || nVal >= ds.count) {
    throw new HyperscheduleError('split.valFraction', fraction, `a fraction leaving >= 1 image on each side of ${ds.count}`);
  }
  const order = permutation(ds.count, opts.seed);
  const nTrain = ds.count - nVal;
  return {
    train: selectRows(ds, order.subarray(0, nTrain), `${ds.name}/train`),
    val: selectRows(ds, order.subarray(nTrain), `${ds.name}/val`),
  };
}
