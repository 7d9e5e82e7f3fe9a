export * from './schedule.js';
export * from './duration.js';
export * from './codec.js';
export * from './json.js';
