/** Shared helpers of the dataset tests (not a test file). */
import { CIFAR10_RECORD_BYTES } from '../../../../examples/shared/datasets/cifar10.js';
import { createRng } from '../../../../examples/shared/rng.js';

/**
 * Synthetic records in the official binary layout: label byte, then R, G, B planes. Pixel values
 * are seeded noise, labels cycle 0..9.
 */
export function syntheticCifarBytes(records: number, seed: number): Uint8Array {
  const rng = createRng(seed);
  const out = new Uint8Array(records * CIFAR10_RECORD_BYTES);
  for (let n = 0; n < records; n++) {
    out[n * CIFAR10_RECORD_BYTES] = n % 10;
    for (let i = 1; i < CIFAR10_RECORD_BYTES; i++) out[n * CIFAR10_RECORD_BYTES + i] = rng.int(256);
  }
  return out;
}
