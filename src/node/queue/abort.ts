/**
 * An abort signal that aborts when the first of `signals` does, with its reason (Node 20.3's
 * `AbortSignal.any`, kept here for older 20.x).
 *
 * @example
 * ```ts
 * import { firstAbort } from './abort.js';
 * const a = new AbortController();
 * const both = firstAbort([a.signal, undefined]);
 * a.abort('SIGTERM');
 * both.reason; // 'SIGTERM'
 * ```
 */
export function firstAbort(signals: readonly (AbortSignal | undefined)[]): AbortSignal {
  const controller = new AbortController();
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  const already = present.find((s) => s.aborted);
  if (already) {
    controller.abort(already.reason);
    return controller.signal;
  }
  const listeners = present.map((s) => {
    const listener = (): void => {
      controller.abort(s.reason);
      for (const [other, l] of listeners) other.removeEventListener('abort', l);
    };
    s.addEventListener('abort', listener, { once: true });
    return [s, listener] as const;
  });
  return controller.signal;
}
