export { checkNumberOrSource, readValue, type NumberOrSource, type ValueSource } from './value-source.js';
export {
  grouped,
  isBiasOrNorm,
  isGroupedValueSource,
  readValueFor,
  type GroupedValueSource,
  type ParamGroup,
  type VariableMatcher,
} from './grouped.js';
