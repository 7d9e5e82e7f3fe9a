/**
 * Lines a trial process prints on stdout starting with this prefix carry a JSON message to the
 * sweep runner (progress, the backend it chose, ...); every other line goes to the trial's log.
 *
 * @example
 * ```ts
 * import { SWEEP_MESSAGE_PREFIX } from './messages.js';
 * `${SWEEP_MESSAGE_PREFIX}{"epoch":3}`;
 * ```
 */
export const SWEEP_MESSAGE_PREFIX = '@@hyperschedule ';

/**
 * Sends a JSON message from a trial process to the runner that started it (one stdout line). The
 * local executor passes it on as a `message` event; the queue executor carries it through Redis
 * to the process that submitted the sweep, which passes it on the same way.
 *
 * @example
 * ```ts
 * import { sendSweepMessage } from 'hyperschedule/node';
 * sendSweepMessage({ type: 'epoch', epoch: 3, valAcc: 0.41 });
 * ```
 */
export function sendSweepMessage(data: unknown): void {
  process.stdout.write(`${SWEEP_MESSAGE_PREFIX}${JSON.stringify(data)}\n`);
}

/**
 * The message a stdout line carries, or `undefined` for a plain line (or one whose JSON does not
 * parse: it stays in the log).
 *
 * @example
 * ```ts
 * import { parseSweepMessage } from './messages.js';
 * parseSweepMessage('@@hyperschedule {"epoch":3}'); // { epoch: 3 }
 * parseSweepMessage('epoch 3 done'); // undefined
 * ```
 */
export function parseSweepMessage(line: string): { readonly data: unknown } | undefined {
  if (!line.startsWith(SWEEP_MESSAGE_PREFIX)) return undefined;
  try {
    return { data: JSON.parse(line.slice(SWEEP_MESSAGE_PREFIX.length)) as unknown };
  } catch {
    return undefined;
  }
}
