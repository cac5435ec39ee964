/**
 * V8's `--max-old-space-size`, when node was given it (on its command line or in NODE_OPTIONS): it
 * applies to every thread of the process and takes precedence over the heap a Worker asks for in
 * its `resourceLimits` (docs/performance.md, "two threads, and the young generation they need").
 */

/** `--max-old-space-size=N`, `--max_old_space_size N` …: V8 reads dashes and underscores alike, the value after `=` or a space. */
const FLAG = /^--max[-_]old[-_]space[-_]size(?:=(.*))?$/;

/** The old generation's size in MB the last such flag sets (V8 takes the last), or undefined when none is given. */
export const maxOldSpaceFlagMb = (execArgv: readonly string[], nodeOptions: string | undefined): number | undefined => {
  const words = [...(nodeOptions ?? '').split(/\s+/).filter((w) => w !== ''), ...execArgv];
  let found: number | undefined;
  for (let i = 0; i < words.length; i++) {
    const match = FLAG.exec(words[i]!);
    if (!match) continue;
    const value = match[1] ?? words[++i];
    const mb = Number(value);
    if (value !== undefined && value.trim() !== '' && Number.isFinite(mb)) found = mb;
  }
  return found;
};
