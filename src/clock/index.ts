export * from './state.js';
export * from './clock.js';
