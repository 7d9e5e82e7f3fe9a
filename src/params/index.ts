export {
  domains,
  positiveInteger,
  range,
  toDomain,
  type DomainCheck,
  type DomainLike,
  type ParamDomain,
  type PositiveIntegerOptions,
  type RangeOptions,
} from './domain.js';
export type { ClockReader, HistoryPoint, ParamBinding, ParamDescription, ParamKind, ParamState } from './driver.js';
export { ScheduledParameter, combine, param, type ParamDriver, type ParamOptions, type ParamSource } from './parameter.js';
// Per-variable values live in src/values (below params and controllers); users reach them here.
export {
  grouped,
  isBiasOrNorm,
  isGroupedValueSource,
  readValue,
  readValueFor,
  type GroupedValueSource,
  type NumberOrSource,
  type ParamGroup,
  type ValueSource,
  type VariableMatcher,
} from '../values/index.js';
