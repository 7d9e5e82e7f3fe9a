export { TrainingSignals } from './hub.js';
export { nonFiniteFields, splitFinite } from './finite.js';
export {
  STAT_KINDS,
  type EpochEndSignal,
  type MetricScope,
  type MetricsSignal,
  type NonFiniteAction,
  type NonFiniteReport,
  type PerVariable,
  type PerVariableSignal,
  type RejectionReport,
  type ScalarSignal,
  type StatKind,
  type UpdateSignal,
} from './types.js';
