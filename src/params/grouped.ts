/**
 * @deprecated Moved to `src/values/grouped.ts` (params and controllers both read values, so they
 * live below both). This re-export keeps old import paths compiling; import from
 * `../values/grouped.js` instead.
 */
export {
  grouped,
  isBiasOrNorm,
  isGroupedValueSource,
  readValueFor,
  type GroupedValueSource,
  type ParamGroup,
  type VariableMatcher,
} from '../values/grouped.js';
