import { readFileSync, readdirSync } from 'node:fs';

/** Each thread of this process by its nice value (Linux's /proc). */
export const niceOfThreads = (): Map<number, number> =>
  new Map(
    readdirSync('/proc/self/task').map((id) => {
      // The fields after the command's closing parenthesis; nice is field 19 of stat, the 17th of these.
      const fields = readFileSync(`/proc/self/task/${id}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return [Number(id), Number(fields[16])];
    }),
  );
