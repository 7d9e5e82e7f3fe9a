/**
 * Paths and fixtures the example and end-to-end tests share (not a test file). Fixtures outside
 * the repository (`../shared`, a system Chromium) are optional on a laptop and required on CI:
 * {@link fixture} skips with a message where one is absent, and fails under `CI=true`, so CI never
 * passes by skipping.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** `../shared` beside the repository (read in place). */
export const SHARED = resolve(REPO_ROOT, '..', 'shared');
/** The CIFAR-10 subset (10k train, 10k test) in the official binary format. */
export const CIFAR_SUBSET = resolve(SHARED, 'data', 'cifar10-subset');
/** The reference study's results (`seed-results.csv`, `seed-runs/*.csv`). */
export const REFERENCE_DIR = resolve(SHARED, 'reference');

const CIFAR_FILES = ['data_batch_1.bin', 'test_batch.bin'].map((f) => join(CIFAR_SUBSET, 'cifar-10-batches-bin', f));

/**
 * Whether the tests that need `what` can run: true when every file in `paths` exists. When one
 * is missing: under `CI=true` this throws (the test file fails, naming what is missing and
 * `hint`); elsewhere it warns once and returns false, for `describe.skipIf(!...)`.
 *
 * @example
 * ```ts
 * const HAVE = fixture('the CIFAR-10 subset', [join(CIFAR_SUBSET, 'cifar-10-batches-bin', 'test_batch.bin')], 'see ../shared');
 * describe.skipIf(!HAVE)('on real CIFAR-10', () => { ... });
 * ```
 */
export function fixture(what: string, paths: readonly string[], hint: string): boolean {
  const missing = paths.find((p) => !existsSync(p));
  if (missing === undefined) return true;
  if (process.env.CI === 'true') {
    throw new Error(`${what} is required under CI=true but ${missing} does not exist (${hint}); the tests that need it must not be skipped on CI`);
  }
  console.warn(`skipping the tests that need ${what}: ${missing} does not exist (${hint})`);
  return false;
}

/** Whether the CIFAR-10 subset is present, without a warning (for tests that fall back to MNIST). */
export function cifarSubsetPresent(): boolean {
  return CIFAR_FILES.every((p) => existsSync(p));
}

/** {@link fixture} for the CIFAR-10 subset in `../shared/data/cifar10-subset`. */
export function needCifarSubset(): boolean {
  return fixture('the CIFAR-10 subset', CIFAR_FILES, 'check out ../shared beside the repository');
}

/** {@link fixture} for the reference study in `../shared/reference`. */
export function needReference(): boolean {
  return fixture('the reference study', [join(REFERENCE_DIR, 'seed-results.csv'), join(REFERENCE_DIR, 'seed-runs')], 'check out ../shared beside the repository');
}
