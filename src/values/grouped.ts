import { checkNumber, checkOptions } from '../check.js';
import { HyperscheduleError } from '../errors.js';
import { checkNumberOrSource, readValue, type NumberOrSource, type ValueSource } from './value-source.js';

/**
 * A value source that can give each variable its own value — no weight decay on biases and
 * normalisation weights, a lower learning rate for an embedding, one adaptive momentum per
 * variable. `.value` is the default (used for variables no group matches, and for configs).
 * Optimizers that support groups call `valueFor(variable.name)` each update; it is recognised
 * structurally (any `ValueSource` with a `valueFor` method).
 */
export interface GroupedValueSource extends ValueSource {
  valueFor(variableName: string): number;
}

/**
 * True when `source` gives per-variable values.
 *
 * @example
 * ```ts
 * import { isGroupedValueSource } from './grouped.js';
 * isGroupedValueSource({ value: 1, valueFor: () => 0 }); // true
 * isGroupedValueSource(0.1);                             // false
 * ```
 */
export function isGroupedValueSource(source: unknown): source is GroupedValueSource {
  return typeof source === 'object' && source !== null && typeof (source as Partial<GroupedValueSource>).valueFor === 'function';
}

/**
 * The value of `source` for one variable: `valueFor(name)` when it has groups, else its value.
 *
 * @example
 * ```ts
 * import { readValueFor } from './grouped.js';
 * readValueFor(0.1, 'dense_Dense1/bias');                                   // 0.1
 * readValueFor({ value: 0.1, valueFor: () => 0 }, 'dense_Dense1/bias');    // 0
 * ```
 */
export function readValueFor(source: NumberOrSource, variableName: string): number {
  return isGroupedValueSource(source) ? source.valueFor(variableName) : readValue(source);
}

/**
 * Which variables a group covers: a substring of the variable name, a regular expression, or a
 * predicate.
 */
export type VariableMatcher = string | RegExp | ((variableName: string) => boolean);

/**
 * One group of {@link grouped}: the variables it matches get `value` (a number or live source), or
 * the base value times `scale` (one of the two; any other key is refused as a typo).
 */
export type ParamGroup =
  | { readonly match: VariableMatcher; readonly value: NumberOrSource }
  | { readonly match: VariableMatcher; readonly scale: number };

function matcher(match: VariableMatcher, field: string): (name: string) => boolean {
  if (typeof match === 'string') return (name) => name.includes(match);
  if (match instanceof RegExp) return (name) => { match.lastIndex = 0; return match.test(name); };
  if (typeof match === 'function') return match;
  throw new HyperscheduleError(field, match, 'a substring, a RegExp or a predicate (name) => boolean');
}

const readSource = checkNumberOrSource();
const readScale = checkNumber({ ge: 0 });

/**
 * Per-variable-group values over a base value: the first group whose matcher accepts a variable
 * name decides its value; other variables get the base. Values stay live (sources are read at
 * each call), so a scheduled base and a scaled group move together. Matches are cached per name.
 *
 * @example
 * ```ts
 * import { grouped, param } from 'hyperschedule';
 * import { isBiasOrNorm } from './grouped.js';
 * const wd = grouped(0.05, [{ match: isBiasOrNorm, value: 0 }]);
 * wd.valueFor('dense_Dense1/kernel'); // 0.05
 * wd.valueFor('dense_Dense1/bias');   // 0
 * const lr = param('lr', { initial: 1e-3 });
 * const lrByGroup = grouped(lr, [{ match: 'embedding', scale: 0.1 }]);
 * lrByGroup.valueFor('embedding_Embedding1/embeddings'); // 1e-4 (approx.)
 * ```
 */
export function grouped(base: NumberOrSource, groups: readonly ParamGroup[]): GroupedValueSource {
  readSource(base, 'grouped.base');
  if (!Array.isArray(groups)) throw new HyperscheduleError('grouped.groups', groups, 'an array of { match, value } or { match, scale }');
  const resolved = groups.map((group, i) => {
    const field = `grouped.groups.${i}`;
    checkOptions(group, field, ['match', 'value', 'scale']);
    if ('scale' in group && 'value' in group) throw new HyperscheduleError(field, group, 'a group with value or scale, not both');
    const test = matcher(group.match, `${field}.match`);
    if ('scale' in group) {
      const scale = readScale(group.scale, `${field}.scale`);
      return { test, read: () => readValue(base) * scale };
    }
    const value = readSource((group as { value?: unknown }).value, `${field}.value`);
    return { test, read: () => readValue(value) };
  });
  const cache = new Map<string, number>();
  const sources = [base, ...groups.flatMap((g) => ('value' in g ? [g.value] : []))];
  return {
    sources,
    get value() {
      return readValue(base);
    },
    valueFor(variableName: string): number {
      let index = cache.get(variableName);
      if (index === undefined) {
        index = resolved.findIndex((g) => g.test(variableName));
        cache.set(variableName, index);
      }
      const group = resolved[index];
      return group ? group.read() : readValue(base);
    },
  };
}

/**
 * The usual "no weight decay here" rule by name: tfjs-layers biases (`…/bias`) and normalisation
 * weights (`…/gamma`, `…/beta`, or any name containing `norm`), with the `_<n>` suffix tfjs adds
 * to repeated names.
 *
 * @example
 * ```ts
 * import { isBiasOrNorm } from './grouped.js';
 * isBiasOrNorm('dense_Dense1/bias');                             // true
 * isBiasOrNorm('layer_normalization_LayerNormalization1/gamma'); // true
 * isBiasOrNorm('dense_Dense1/kernel');                           // false
 * ```
 */
export function isBiasOrNorm(variableName: string): boolean {
  return /(^|\/)(bias|beta|gamma)(_\d+)?$/i.test(variableName) || /norm/i.test(variableName);
}
