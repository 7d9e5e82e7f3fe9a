export * from './controller.js';
export * from './plateau.js';
export * from './adaptive-momentum.js';
export * from './scheduled-weight-decay.js';
