export {
  deadlineFor,
  deadlineOfNanos,
  clockProgress,
  clockProgressOfNanos,
  type Deadline,
  type ClockProgress,
  type NanoDeadline,
  type NanoClockProgress,
} from './deadline.js';
export { epochMillis, epochNanos, floorMillis, isoOfNanos } from './epoch.js';
export { explainDeadline } from './explain.js';
export { clockDurationSchema, type ClockDuration } from './duration.js';
export type { Interval, NanoInterval } from './interval.js';
export * from './errors.js';
