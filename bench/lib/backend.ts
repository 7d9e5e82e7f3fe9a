/**
 * Activates a tfjs backend for a benchmark (wasm is registered by importing its package).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

/**
 * Switches to `name` ('wasm' or 'cpu') and waits until it is ready.
 *
 * @example
 * ```ts
 * import { useBackend } from './backend.js';
 * await useBackend('cpu');
 * ```
 */
export async function useBackend(name: 'wasm' | 'cpu'): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`backend ${name} failed to initialise`);
  await tf.ready();
}
