import { EngineError, hasCode } from '../../errors.js';

export interface RulesetIssue {
  /** The rules file, relative to the rules directory (or the upload's member name). */
  readonly file: string;
  /** Path inside the file, e.g. `policies[2].duration.hours`. */
  readonly path: string;
  readonly message: string;
}

export const RULESET_INVALID = 'RULESET_INVALID' as const;
export class RulesetInvalidError extends EngineError {
  readonly code = RULESET_INVALID;
  constructor(readonly issues: readonly RulesetIssue[]) {
    super(`the ruleset is invalid:\n${issues.map((i) => `  ${i.file}${i.path ? ` at ${i.path}` : ''}: ${i.message}`).join('\n')}`, { issues });
  }
}
export const isRulesetInvalid = hasCode<RulesetInvalidError>(RULESET_INVALID);

export const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
