import { ScheduledParameter } from '../params/parameter.js';
import type { HyperscheduleSession } from './session.js';

/**
 * Values that wrap parameters list them as `sources` (a combined parameter is a
 * `ScheduledParameter` itself). A wrapper that does not list them hides them from the hook.
 */
function wrappedParameters(value: unknown, seen: Set<unknown>): ScheduledParameter[] {
  if (value instanceof ScheduledParameter) return [value];
  if (typeof value !== 'object' || value === null || seen.has(value)) return [];
  seen.add(value);
  const sources = (value as { sources?: unknown }).sources;
  return Array.isArray(sources) ? sources.flatMap((s) => wrappedParameters(s, seen)) : [];
}

/**
 * The parameters an optimizer reads: its own fields holding a `ScheduledParameter`, directly or
 * inside a value that lists its `sources`.
 *
 * @example
 * ```ts
 * import { AdamW, param } from 'hyperschedule';
 * import { optimizerParameters } from './optimizer-params.js';
 * optimizerParameters(new AdamW({ learningRate: param('lr', { initial: 1e-3 }) }))[0]?.name; // 'lr'
 * ```
 */
export function optimizerParameters(optimizer: object): ScheduledParameter[] {
  const seen = new Set<unknown>();
  return Object.values(optimizer).flatMap((v) => wrappedParameters(v, seen));
}

/**
 * Adds to `session` every parameter `optimizer` reads that it does not hold yet, so a parameter
 * given only to the optimizer still follows the session's clock. Throws (naming the parameter)
 * when one belongs to another session or another parameter has its name.
 *
 * @example
 * ```ts
 * import { AdamW, createSession, param } from 'hyperschedule';
 * import { registerOptimizerParameters } from './optimizer-params.js';
 * const session = createSession();
 * registerOptimizerParameters(session, new AdamW({ learningRate: param('lr', { initial: 1e-3 }) }));
 * session.values(); // { lr: 0.001 }
 * ```
 */
export function registerOptimizerParameters(session: HyperscheduleSession, optimizer: object): void {
  for (const p of optimizerParameters(optimizer)) {
    if (session.params.get(p.name) !== p) session.add(p);
  }
}
