export * from './value-source.js';
