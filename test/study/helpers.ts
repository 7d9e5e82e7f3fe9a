/** Shared helpers of the study tests (not a test file). */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** ../shared beside the repository (read in place). */
export const SHARED = resolve(REPO_ROOT, '..', 'shared');
export const CIFAR_SUBSET = resolve(SHARED, 'data', 'cifar10-subset');
export const HAVE_CIFAR_SUBSET = existsSync(resolve(CIFAR_SUBSET, 'cifar-10-batches-bin', 'data_batch_1.bin'));
export const REFERENCE_DIR = resolve(SHARED, 'reference');
export const HAVE_REFERENCE = existsSync(resolve(REFERENCE_DIR, 'seed-results.csv'));
