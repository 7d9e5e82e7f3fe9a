export { defineController, type Controller } from './controller.js';
export { ControllerRunner, type FeedResult } from './runner.js';
export { reduceOnPlateau, type PlateauState, type ReduceOnPlateauOptions } from './plateau.js';
export {
  adaptiveMomentum,
  type AdaptiveMomentumOptions,
  type AdaptiveMomentumState,
  type CurvatureObservation,
  type PerVariableCurvature,
  type PerVariableMomentumState,
} from './adaptive-momentum.js';
export {
  scheduledWeightDecay,
  type ScheduledWeightDecayOptions,
  type ScheduledWeightDecayState,
  type SecondMomentObservation,
} from './scheduled-weight-decay.js';
