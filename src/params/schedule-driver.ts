import { HyperscheduleError, describeValue } from '../errors.js';
import type { Schedule } from '../schedules/schedule.js';
import { checkCandidate, type ParamDomain } from './domain.js';
import type { Driver, DriverHost } from './driver.js';

/** Points sampled between 0 and the schedule's end when checking it against the domain. */
const GRID = 1024;

/**
 * Up to where the schedule must be checked to see every value it takes, in its own unit:
 * `schedule.end` (from there on the value no longer changes), or 1 for a `progress` schedule
 * (progress runs over [0, 1]); `undefined` when neither is known.
 */
function knownEnd(schedule: Schedule): number | undefined {
  const end = schedule.end;
  if (typeof end === 'number' && Number.isFinite(end) && end >= 0) return schedule.unit === 'progress' ? Math.min(end, 1) : end;
  return schedule.unit === 'progress' ? 1 : undefined;
}

/** What to do about a schedule that leaves `domain` with `value`. */
function adviceFor(schedule: Schedule, domain: ParamDomain, value: number): string {
  if (!Number.isFinite(value)) return `check the arguments of ${schedule.type}`;
  if (value === 0 && domain.name === 'positive') {
    return "end the schedule above 0 (cosine/linear `min`, warmup `from`), or use domain 'nonNegative'";
  }
  return 'keep the schedule inside the domain (its min/max, or clamp), or use a wider domain';
}

/**
 * Throws unless every value the schedule takes stays in the domain: t = 0, `schedule.end` and a
 * grid in between (only t = 0 when the end is unknown). Catches at construction what would
 * otherwise be refused, silently held, at the end of training — a cosine to `min: 0` under
 * `'positive'`.
 *
 * @example
 * ```ts
 * import { cosine } from 'hyperschedule';
 * import { domains } from './domain.js';
 * import { checkScheduleInDomain } from './schedule-driver.js';
 * checkScheduleInDomain('lr', cosine({ init: 0.1, min: 1e-4, duration: 100 }), domains.positive); // ok
 * ```
 */
export function checkScheduleInDomain(name: string, schedule: Schedule, domain: ParamDomain): void {
  const end = knownEnd(schedule);
  const times = end === undefined || end === 0 ? [0] : Array.from({ length: GRID + 1 }, (_, i) => (i === GRID ? end : (end * i) / GRID));
  for (const t of times) {
    const value = schedule.at(t);
    if (checkCandidate(domain, value).ok) continue;
    const where = `${schedule.unit} ${describeValue(t)}`;
    throw new HyperscheduleError(
      name,
      value,
      `${domain.allowed} (domain '${domain.name}') over the whole schedule, but ${schedule.type} is outside it at ${where}; ${adviceFor(schedule, domain, value)}`,
    );
  }
}

/**
 * The driver of a schedule-driven parameter: the value is `schedule.at(t)` at the time of the last
 * sync, in the schedule's unit. Checked against the domain at construction (see
 * {@link checkScheduleInDomain}).
 *
 * @example
 * ```ts
 * import { param, cosine } from 'hyperschedule';
 * param('lr', { schedule: cosine({ init: 0.1, min: 1e-4, duration: 100 }) }, { domain: 'positive' }).kind; // 'schedule'
 * ```
 */
export function scheduleDriver(host: DriverHost, schedule: Schedule, domain: ParamDomain): Driver {
  checkScheduleInDomain(host.name, schedule, domain);
  return {
    kind: 'schedule',
    origin: 'schedule',
    advice: `keep its ${schedule.type} schedule inside the domain, or use a wider domain`,
    schedule,
    initial: () => schedule.at(0),
    sync: (clock) => void host.propose(schedule.at(clock.timeIn(schedule.unit)), clock.step),
    describe: () => ({ schedule: schedule.toJSON() }),
  };
}
