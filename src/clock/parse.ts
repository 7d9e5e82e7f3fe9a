import type { z } from 'zod';
import { HyperscheduleError } from '../errors.js';

/**
 * Internal (not re-exported): validates `json` with a zod schema and turns the first problem into
 * a {@link HyperscheduleError} naming the field path, the value found there and what was expected.
 * Shared by the clock, parameter and session state parsers.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { parseWithSchema } from './parse.js';
 * parseWithSchema(z.object({ step: z.number() }), { step: 3 }, 'clock').step; // 3
 * ```
 */
export function parseWithSchema<S extends z.ZodType>(schema: S, json: unknown, field: string): z.output<S> {
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path ?? [];
  let value: unknown = json;
  for (const key of path) value = typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  const where = path.length > 0 ? `${field}.${path.map(String).join('.')}` : field;
  // zod messages read "Too small: expected number to be >=0"; keep the part after the colon.
  const allowed = (issue?.message ?? 'a valid value').replace(/^[^:]*:\s*/, '').replace(/,\s*received .*$/, '');
  return (() => {
    throw new HyperscheduleError(where, value, allowed);
  })();
}
