/** Shared helpers for the Node-side tests (not a test file). */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CIFAR10_RECORD_BYTES } from '../../src/node/data/cifar10.js';
import { createRng } from '../../src/node/data/rng.js';

/** The repository root (two levels above this file). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Real CIFAR-10 subset beside the repo (10k train, 10k test), or undefined when absent. */
export const SHARED_CIFAR10 = resolve(REPO_ROOT, '..', 'shared', 'data', 'cifar10-subset');
export const HAVE_SHARED_CIFAR10 = existsSync(resolve(SHARED_CIFAR10, 'cifar-10-batches-bin', 'test_batch.bin'));
export const SHARED_CIFAR10_SKIP_NOTE = `real CIFAR-10 subset not found at ${SHARED_CIFAR10}; skipping tests that need it`;

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
