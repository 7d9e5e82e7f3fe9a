export * from './value-source.js';
export * from './domain.js';
export * from './grouped.js';
export * from './parameter.js';
