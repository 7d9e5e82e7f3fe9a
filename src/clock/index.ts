export { TrainingClock } from './clock.js';
export type { ClockState, ClockRun, ClockSnapshot } from './state.js';
