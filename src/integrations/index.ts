export * from './session.js';
export * from './tensor-json.js';
export * from './hook.js';
export * from './fit-callback.js';
export * from './batcher.js';
export * from './checkpoint.js';
