import * as tf from '@tensorflow/tfjs';

/** Forward result of a {@link withGradient} op: the value and how to back-propagate through it. */
export interface GradientDef {
  value: tf.Tensor;
  /** Gradients for each input, in order, given `dy` and the tensors passed to `save`. */
  gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];
}

/**
 * A typed wrapper over `tf.customGrad`: `f` receives the input tensors as an array plus `save`
 * (keep tensors for the backward pass through `save`, never through closures — intermediates
 * may be disposed by a surrounding `tidy` before the backward pass runs).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { withGradient } from './custom-grad.js';
 * const square = withGradient(([x], save) => {
 *   save([x!]);
 *   return { value: tf.square(x!), gradFunc: (dy, [sx]) => [tf.mul(dy, tf.mul(2, sx!))] };
 * });
 * tf.grad((x: tf.Tensor) => square(x))(tf.scalar(3)).print(); // 6
 * ```
 */
export function withGradient(
  f: (inputs: tf.Tensor[], save: tf.GradSaveFunc) => GradientDef,
): (...inputs: tf.Tensor[]) => tf.Tensor {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const inputs = args.slice(0, -1) as tf.Tensor[];
    return f(inputs, save);
  });
  return (...inputs: tf.Tensor[]) => op(...inputs);
}
