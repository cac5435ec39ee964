import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { basename } from 'node:path';

export type PriorityOutcome = { readonly lowered: true; readonly from: number; readonly to: number } | { readonly lowered: false; readonly reason: string };

/**
 * Makes the calling thread yield the CPU: its nice value becomes `steps` above what it is now
 * (at most 19, the lowest priority), so that when the cores are all busy the scheduler gives the
 * other threads of the process the larger share. It never raises a priority.
 *
 * Linux keeps a nice value for each thread, and setpriority() given a thread's id sets that thread's
 * alone; /proc/thread-self names the calling thread. Elsewhere the value belongs to the whole
 * process, so nothing is changed and the outcome says why.
 */
export const yieldCpuByThread = (steps: number): PriorityOutcome => {
  if (!(Number.isInteger(steps) && steps >= 0 && steps <= 19)) throw new RangeError(`steps must be a whole number from 0 to 19, got ${steps}`);
  if (steps === 0) return { lowered: false, reason: 'asked to yield by 0 steps' };
  if (process.platform !== 'linux') return { lowered: false, reason: `a thread's own priority can be set on Linux only, not on ${process.platform}` };
  try {
    const threadId = Number(basename(readlinkSync('/proc/thread-self')));
    const from = getPriority(threadId);
    const to = Math.min(19, from + steps);
    if (to !== from) setPriority(threadId, to);
    return { lowered: true, from, to };
  } catch (error) {
    return { lowered: false, reason: error instanceof Error ? error.message : String(error) };
  }
};
