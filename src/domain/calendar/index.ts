export * from './calendar.js';
export * from './days.js';
export * from './errors.js';
export * from './spec.js';
