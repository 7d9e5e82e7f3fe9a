import { HyperscheduleError } from '../errors.js';
import type { ScheduledParameter } from '../params/parameter.js';

/** Which owner (a session) holds each parameter: a parameter belongs to one session. */
const OWNERS = new WeakMap<ScheduledParameter, object>();

/** A parameter and, for a combined parameter, its sources (recursively). */
function withSources(p: ScheduledParameter): ScheduledParameter[] {
  return [p, ...p.sources.flatMap(withSources)];
}

/**
 * Marks `p` and its sources as `owner`'s. Throws, naming the parameter, when one is held by
 * another owner — checked for all before any is claimed, so a refusal changes nothing. With
 * `dryRun`, only checks.
 *
 * @example
 * ```ts
 * import { param } from 'hyperschedule';
 * import { claimParameter } from './ownership.js';
 * const lr = param('lr', { initial: 0.1 });
 * const session = {};
 * claimParameter(session, lr);
 * claimParameter(session, lr); // fine: it holds lr already
 * // claimParameter({}, lr) throws: params.lr: got "lr", expected a parameter not held by another session ...
 * ```
 */
export function claimParameter(owner: object, p: ScheduledParameter, dryRun = false): void {
  const all = withSources(p);
  for (const q of all) {
    const current = OWNERS.get(q);
    if (current !== undefined && current !== owner) {
      throw new HyperscheduleError(
        `params.${q.name}`,
        q.name,
        'a parameter not held by another session (dispose() that session first, or make another parameter)',
      );
    }
  }
  if (!dryRun) for (const q of all) OWNERS.set(q, owner);
}

/**
 * Releases `p` and its sources if `owner` holds them (they may then join another owner).
 *
 * @example
 * ```ts
 * import { param } from 'hyperschedule';
 * import { claimParameter, releaseParameter } from './ownership.js';
 * const lr = param('lr', { initial: 0.1 });
 * const session = {};
 * claimParameter(session, lr);
 * releaseParameter(session, lr);
 * claimParameter({}, lr); // fine now
 * ```
 */
export function releaseParameter(owner: object, p: ScheduledParameter): void {
  for (const q of withSources(p)) if (OWNERS.get(q) === owner) OWNERS.delete(q);
}
