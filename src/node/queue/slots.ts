/**
 * The trials a worker process may run at once, over all the queues it serves: `take` claims a slot
 * (false when all are busy), `release` frees one; `onFull` hears when the last slot is taken
 * (`true`) and when one frees again (`false`), so the worker can stop fetching jobs meanwhile.
 *
 * @example
 * ```ts
 * import { TrialSlots } from './slots.js';
 * const slots = new TrialSlots(1);
 * slots.take(); // true
 * slots.take(); // false
 * slots.release();
 * slots.take(); // true
 * ```
 */
export class TrialSlots {
  private busy = 0;

  constructor(readonly size: number, private readonly onFull: (full: boolean) => void = () => {}) {}

  take(): boolean {
    if (this.busy >= this.size) return false;
    this.busy += 1;
    if (this.busy === this.size) this.onFull(true);
    return true;
  }

  release(): void {
    if (this.busy === 0) return;
    this.busy -= 1;
    if (this.busy === this.size - 1) this.onFull(false);
  }

  get running(): number {
    return this.busy;
  }
}
