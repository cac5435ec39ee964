import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { parse, YAMLParseError } from 'yaml';
import { RulesetInvalidError, type RulesetIssue } from '../domain/ruleset/errors.js';
import { rulesetOf } from '../domain/records.js';
import type { Ruleset } from '../domain/ruleset/ruleset.js';

const isRulesFile = (name: string) => /\.(ya?ml|json)$/.test(name);

const listFiles = async (dir: string): Promise<string[]> => {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return listFiles(path);
      return entry.isFile() && isRulesFile(entry.name) ? [path] : [];
    }),
  );
  return nested.flat();
};

/**
 * Reads a rules directory (YAML or JSON files), validates it and returns the ruleset with its
 * content-hash version. Any problem — unreadable YAML, a bad value, a dangling reference —
 * throws RulesetInvalidError naming the file, the path inside it and what is wrong.
 */
export const loadRuleset = async (dir: string): Promise<Ruleset> => {
  let paths: string[];
  try {
    paths = await listFiles(dir);
  } catch (error) {
    throw new RulesetInvalidError([{ file: dir, path: '', message: `cannot read the rules directory: ${(error as Error).message}` }]);
  }
  const files: Record<string, unknown> = {};
  const issues: RulesetIssue[] = [];
  for (const path of paths.sort()) {
    const file = relative(dir, path).split(sep).join('/');
    const text = await readFile(path, 'utf8');
    try {
      files[file] = parse(text, { prettyErrors: true, uniqueKeys: true });
    } catch (error) {
      const where = error instanceof YAMLParseError && error.linePos ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '';
      issues.push({ file, path: where, message: `not valid YAML: ${(error as Error).message.split('\n')[0]}` });
    }
  }
  if (issues.length > 0) throw new RulesetInvalidError(issues);
  return rulesetOf(files);
};
