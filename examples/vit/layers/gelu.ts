import * as tf from '@tensorflow/tfjs';
import { withGradient } from './custom-grad.js';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

// erf(z) ~ z * P(z^2) / Q(z^2) on |z| <= 4 (erf(4) = 1 in float32): the rational approximation
// Eigen and XLA use for float32 erf (max abs error 4e-7 in float32 arithmetic, about the float32
// rounding of erf near 1). Phi(x) = 1/2 + erf(x / sqrt 2) / 2 is folded into the coefficients:
// Phi(x) = 1/2 + x * P'(x^2) / Q'(x^2) with P'(s) = P(s/2) / (2 sqrt 2), Q'(s) = Q(s/2).
const ERF_P = [
  -1.60960333262415e-2, -2.95459980854025e-3, -7.34990630326855e-4, -5.69250639462346e-5,
  -2.10102402082508e-6, 2.77068142495902e-8, -2.72614225801306e-10,
];
const ERF_Q = [
  -1.42647390514189e-2, -7.37332916720468e-3, -1.68282697438203e-3, -2.13374055278905e-4,
  -1.45660718464996e-5,
];
const PHI_P = ERF_P.map((c, i) => c / 2 ** i / (2 * Math.SQRT2));
const PHI_Q = ERF_Q.map((c, i) => c / 2 ** i);
const PHI_CLIP = 4 * Math.SQRT2;

/** Horner's rule on tensors: c0 + s*(c1 + s*(c2 + ...)). */
const horner = (s: tf.Tensor, coefficients: readonly number[]): tf.Tensor => {
  let acc: tf.Tensor = tf.add(tf.mul(s, coefficients[coefficients.length - 1]!), coefficients[coefficients.length - 2]!);
  for (let i = coefficients.length - 3; i >= 0; i--) acc = tf.add(tf.mul(s, acc), coefficients[i]!);
  return acc;
};

/**
 * The standard normal CDF `Phi(x) = (1 + erf(x / sqrt 2)) / 2` to float32 accuracy (abs error
 * < 1e-6 against float64), from elementwise multiply/add/divide only.
 *
 * Why not `tf.erf`: wasm's Erf is a scalar libm loop whose cost grows with |x| (2.5 ms on a
 * [2080, 384] tensor of N(0, 0.3^2) values, 24 ms for N(0, 3^2)); this rational form costs ~3 ms
 * whatever the values, because every op is one of XNNPACK's vectorised kernels.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { normalCdf } from './gelu.js';
 * normalCdf(tf.tensor1d([0, 1])).print(); // ~[0.5, 0.841345]
 * ```
 */
export function normalCdf(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const xc = tf.clipByValue(x, -PHI_CLIP, PHI_CLIP);
    const s = tf.square(xc);
    // Rounding can leave the far tails a few ulps outside [0, 1]: a CDF must not.
    return tf.clipByValue(tf.add(tf.div(tf.mul(xc, horner(s, PHI_P)), horner(s, PHI_Q)), 0.5), 0, 1);
  });
}

/**
 * `exp(-x^2 / 2)` computed as `sigmoid(y) / (1 - sigmoid(y))` with `y = -x^2/2 <= 0` (exact in
 * real arithmetic; a few float32 ulps here): wasm's Sigmoid is vectorised, its Exp a scalar loop
 * about 6x slower.
 */
const gaussian = (x: tf.Tensor): tf.Tensor =>
  tf.tidy(() => {
    const s = tf.sigmoid(tf.mul(tf.square(x), -0.5));
    return tf.div(s, tf.sub(1, s));
  });

/**
 * Exact GELU, `x * Phi(x)` with the erf form (PyTorch's `nn.GELU()` default, not the tanh
 * approximation), with a closed-form gradient `Phi(x) + x * phi(x)` that reuses the saved `Phi(x)`.
 * Agrees with float64 GELU to ~1e-6 absolute (tf.erf-based and PyTorch float32 GELU: the same).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { gelu } from './gelu.js';
 * gelu(tf.tensor1d([-1, 0, 1])).print(); // ~[-0.1587, 0, 0.8413]
 * ```
 */
export const gelu = withGradient(([x], save) => {
  const cdf = normalCdf(x!);
  save([x!, cdf]);
  return {
    value: tf.mul(x!, cdf),
    gradFunc: (dy, [sx, scdf]) => [tf.mul(dy, tf.add(scdf!, tf.mul(sx!, tf.mul(gaussian(sx!), INV_SQRT_2PI))))],
  };
}) as <T extends tf.Tensor>(x: T) => T;
