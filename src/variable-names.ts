/**
 * Matching saved per-variable state to live variables by name — the one rule every restore uses
 * (checkpoint variables, optimizer slots, the hook's carried tensors, an optimizer's lazily
 * matched state).
 *
 * tfjs numbers the layers it names (`dense_Dense1/kernel` in one model, `dense_Dense4/kernel` in
 * the next; a reloaded model gets `dense_Dense1/kernel_1`), so a rebuilt model rarely has the
 * saved names. The rule:
 * 1. when every live name is a saved name, match exactly;
 * 2. otherwise match by **name stem** — each `/`-separated segment without its numeric suffix
 *    (`dense_Dense4/kernel_1` → `dense_Dense/kernel`) — and, within a stem, by the order of those
 *    numbers (creation order), never across stems. The structure must agree: the same stems with
 *    the same counts and shapes, and a consistent renaming of every name prefix (the saved layer
 *    `dense_Dense1` becomes one live layer for all its variables). Anything else is refused.
 *
 * Pure: no tensors, no tfjs.
 */

/** A name, and the shape when it is known (a shape mismatch is then refused). */
export interface NamedShape {
  readonly name: string;
  readonly shape?: readonly number[];
}

/**
 * The result of {@link matchVariableNames}: `mapping` takes each matched saved name to its live
 * name; a refusal says why (and which saved name, when one is at fault).
 */
export type NameMatch =
  | { readonly ok: true; readonly how: 'exact' | 'stem'; readonly mapping: ReadonlyMap<string, string> }
  | { readonly ok: false; readonly reason: string; readonly name?: string };

/** Options of {@link matchVariableNames}. */
export interface NameMatchOptions {
  /**
   * Saved names may be left unmatched (the live names are e.g. one update's gradients, which can
   * be fewer): exact matching then needs only every live name saved, and stem matching leaves a
   * stem without live names alone. Default false: both sides must match one to one.
   */
  readonly allowUnmatchedSaved?: boolean;
}

/**
 * A name's stem (each `/`-separated segment without its numeric suffix: `dense_Dense12_3` →
 * `dense_Dense`) and its creation order (the suffix numbers, segment by segment, -1 closing each).
 */
function parseName(name: string): { stem: string; order: number[] } {
  const order: number[] = [];
  const stem = name
    .split('/')
    .map((segment) => {
      // A linear scan from the end (no regex: a long run of digits must not backtrack).
      const numbers: number[] = [];
      let end = segment.length;
      for (;;) {
        let start = end;
        while (start > 0 && segment.charCodeAt(start - 1) >= 48 && segment.charCodeAt(start - 1) <= 57) start -= 1;
        if (start === end) break;
        numbers.unshift(Number(segment.slice(start, end)));
        end = start;
        if (segment[start - 1] !== '_') break;
        end -= 1;
      }
      order.push(...numbers, -1);
      return segment.slice(0, end);
    })
    .join('/');
  return { stem, order };
}

/**
 * The stem of a variable name: every `/`-separated segment without its numeric suffix.
 *
 * @example
 * ```ts
 * import { nameStem } from './variable-names.js';
 * nameStem('dense_Dense4/kernel_1'); // 'dense_Dense/kernel'
 * ```
 */
export function nameStem(name: string): string {
  return parseName(name).stem;
}

function shapeText(shape: readonly number[] | undefined): string {
  return shape === undefined ? '?' : `[${shape.join(', ')}]`;
}

/**
 * Whether two shapes are equal; an unknown shape (`undefined`) agrees with any.
 *
 * @example
 * ```ts
 * import { sameShape } from './variable-names.js';
 * sameShape([2, 3], [2, 3]); // true
 * ```
 */
export function sameShape(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  return a === undefined || b === undefined || a.join() === b.join();
}

/**
 * The first name that occurs twice in `names`, if any.
 *
 * @example
 * ```ts
 * import { repeatedName } from './variable-names.js';
 * repeatedName(['a', 'b', 'a']); // 'a'
 * ```
 */
export function repeatedName(names: Iterable<string>): string | undefined {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}

/** The entries by stem, each group in creation order (list order where that is equal). */
function groupByStem(list: readonly NamedShape[]): Map<string, NamedShape[]> {
  const groups = new Map<string, { entry: NamedShape; order: number[] }[]>();
  for (const entry of list) {
    const { stem, order } = parseName(entry.name);
    const group = groups.get(stem) ?? [];
    groups.set(stem, group);
    group.push({ entry, order });
  }
  const byOrder = (a: { order: number[] }, b: { order: number[] }): number => {
    const i = a.order.findIndex((x, j) => x !== b.order[j]);
    return i < 0 ? 0 : (a.order[i] as number) - (b.order[i] ?? -1);
  };
  // Array.prototype.sort is stable.
  return new Map([...groups].map(([stem, group]) => [stem, group.sort(byOrder).map((g) => g.entry)]));
}

/** Every saved name prefix (`a`, `a/b`, ...) must become one live prefix, and no two the same one. */
function inconsistentPrefix(mapping: ReadonlyMap<string, string>): { saved: string; reason: string } | undefined {
  const forward = new Map<string, string>();
  const backward = new Map<string, string>();
  for (const [saved, live] of mapping) {
    const s = saved.split('/');
    const l = live.split('/');
    for (let depth = 1; depth < s.length; depth++) {
      const sp = s.slice(0, depth).join('/');
      const lp = l.slice(0, depth).join('/');
      const known = forward.get(sp);
      if (known !== undefined && known !== lp) return { saved, reason: `"${sp}" would become "${known}" and "${lp}"` };
      const back = backward.get(lp);
      if (back !== undefined && back !== sp) return { saved, reason: `"${back}" and "${sp}" would become "${lp}"` };
      forward.set(sp, lp);
      backward.set(lp, sp);
    }
  }
  return undefined;
}

/**
 * Matches saved names to live names (see the module comment for the rule): exactly when every
 * live name was saved, else by name stem and creation order with a structure check. Shapes, when
 * both sides give one, must agree. Live names are distinct (tfjs registers each name once).
 *
 * @example
 * ```ts
 * import { matchVariableNames } from './variable-names.js';
 * const saved = [{ name: 'dense_Dense1/kernel', shape: [3, 4] }, { name: 'dense_Dense2/kernel', shape: [4, 2] }];
 * const live = [{ name: 'dense_Dense3/kernel', shape: [3, 4] }, { name: 'dense_Dense4/kernel', shape: [4, 2] }];
 * const m = matchVariableNames(saved, live);
 * m.ok && m.mapping.get('dense_Dense1/kernel'); // 'dense_Dense3/kernel'
 * matchVariableNames([{ name: 'a/w' }], [{ name: 'b/w' }]).ok; // false: another stem
 * ```
 */
export function matchVariableNames(saved: readonly NamedShape[], live: readonly NamedShape[], options: NameMatchOptions = {}): NameMatch {
  const partial = options.allowUnmatchedSaved === true;
  const twice = repeatedName(saved.map((s) => s.name));
  if (twice !== undefined) return { ok: false, name: twice, reason: `"${twice}" saved twice` };
  const byName = new Map(saved.map((s) => [s.name, s] as const));
  const exact = live.every((l) => byName.has(l.name)) && (partial || saved.length === live.length);
  if (!exact && !partial && saved.length !== live.length) return { ok: false, reason: `${live.length} variables, ${saved.length} saved` };
  const mapping = new Map<string, string>();
  const pair = (s: NamedShape, l: NamedShape): string | undefined => {
    if (!sameShape(s.shape, l.shape)) return `shape ${shapeText(l.shape)} of ${l.name}, not ${shapeText(s.shape)}`;
    mapping.set(s.name, l.name);
    return undefined;
  };
  if (exact) {
    for (const l of live) {
      const s = byName.get(l.name) as NamedShape;
      const bad = pair(s, l);
      if (bad) return { ok: false, name: s.name, reason: bad };
    }
    return { ok: true, how: 'exact', mapping };
  }
  const savedGroups = groupByStem(saved);
  for (const [stem, group] of groupByStem(live)) {
    const candidates = savedGroups.get(stem) ?? [];
    if (candidates.length !== group.length) {
      return { ok: false, ...(candidates[0] ? { name: candidates[0].name } : {}), reason: `${group.length} named like "${stem}" (as ${group[0]?.name}), ${candidates.length} saved` };
    }
    for (const [i, l] of group.entries()) {
      const s = candidates[i] as NamedShape;
      const bad = pair(s, l);
      if (bad) return { ok: false, name: s.name, reason: `${bad} (matched by stem and order)` };
    }
  }
  const prefix = inconsistentPrefix(mapping);
  if (prefix) return { ok: false, name: prefix.saved, reason: `one renaming of each saved prefix: ${prefix.reason}` };
  return { ok: true, how: 'stem', mapping };
}
