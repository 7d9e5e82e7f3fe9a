/**
 * hyperschedule: schedule any hyperparameter of a TensorFlow.js training run.
 *
 * The core (schedules, clock, signals, params, controllers) imports no Node built-ins and runs in
 * a browser; Node-only code lives in `hyperschedule/node`.
 *
 * @example
 * ```ts
 * import { cosine } from 'hyperschedule';
 * cosine({ init: 0.1, duration: 100 }).at(50); // 0.05
 * ```
 * @packageDocumentation
 */
export * from './errors.js';
export * from './schedules/index.js';
export * from './clock/index.js';
export * from './signals/index.js';
export * from './params/index.js';
export * from './controllers/index.js';
export * from './optimizers/index.js';
export * from './integrations/index.js';
export * from './training/index.js';
export * from './random.js';
