export * from './schedule.js';
export * from './duration.js';
export * from './codec.js';
export * from './json.js';
export * from './combinators/index.js';
export * from './families/index.js';
export * from './torch/index.js';
export * from './batch/index.js';
