/**
 * @deprecated Moved to `src/values/value-source.ts` (params and controllers both read values, so
 * they live below both). This re-export keeps old import paths compiling; import from
 * `../values/value-source.js` instead.
 */
export { readValue, type NumberOrSource, type ValueSource } from '../values/value-source.js';
