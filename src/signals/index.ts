export * from './types.js';
export * from './finite.js';
export * from './hub.js';
