export { deadlineFor, clockProgress, type Deadline, type ClockProgress } from './deadline.js';
export { explainDeadline } from './explain.js';
export { clockDurationSchema, type ClockDuration } from './duration.js';
export type { Interval } from './interval.js';
export * from './errors.js';
