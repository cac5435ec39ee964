import { Temporal } from 'temporal-polyfill';
import type { CaseCommand } from '../../../src/domain/case/command.js';
import type { Lifecycle } from '../../../src/domain/case/definition.js';
import { decide, type DecideContext } from '../../../src/domain/case/decide.js';
import { evolve, initialCaseState, type CaseState } from '../../../src/domain/case/state.js';
import type { Actor } from '../../../src/domain/events/envelope.js';
import { loadRuleset } from '../../../src/ruleset/load.js';
import { rulesetOf } from '../../../src/domain/records.js';
import { testStaff } from '../../staff-fixture.js';

export const sampleRuleset = await loadRuleset(new URL('../../../rules', import.meta.url).pathname);

/** The sample ruleset with the demo agreement's follow-up rule for both lifecycles set to `rule`. */
export const rulesetWithFollowUp = (rule: 'required' | 'optional') => {
  const file = 'agreements/demo-2026.yaml';
  const agreement = sampleRuleset.files[file] as Record<string, unknown>;
  return rulesetOf({ ...sampleRuleset.files, [file]: { ...agreement, followUp: { complaint: rule, repair: rule } } });
};

export const desk: Actor = { id: 'desk-1', role: 'frontdesk' };
export const dispatcher: Actor = { id: 'disp-1', role: 'dispatcher' };
export const technician: Actor = { id: 'tech-7', role: 'technician' };

export const at = (iso: string) => Temporal.Instant.from(iso);

export const complaintBody = {
  propertyId: 'demo',
  unit: '3-2-1201',
  category: 'noise',
  description: '楼上装修噪音',
  channel: 'phone' as const,
  owner: { name: '王先生', phone: '13800000000' },
};
export const repairBody = {
  propertyId: 'demo',
  location: '5-1-302',
  category: 'plumbing',
  complexity: 'general' as const,
  description: '厨房水管漏水',
  owner: { name: '李女士', phone: '13900000000' },
};
export const visitBody = {
  propertyId: 'demo',
  unit: '3-2-1201',
  category: 'renovation',
  description: '办理装修手续',
  channel: 'walk_in' as const,
  visitor: { name: '赵先生' },
};
/** 100.00 yuan for September 2026, due at its end. */
export const billBody = { propertyId: 'demo', unit: '3-2-1201', period: '2026-09', amountFen: 10_000, dueDate: '2026-09-30' };
export const activityBody = { propertyId: 'demo', title: '中秋游园会', heldOn: '2026-09-10', participants: 240 };

/** Runs commands one after another through decide and evolve, as the application service does. */
export const run = <F>(
  lifecycle: Lifecycle<F>,
  steps: ReadonlyArray<{ name: string; payload?: unknown; now: string; occurredAt?: string; actor?: Actor }>,
  context: Partial<DecideContext> = {},
  caseId = 'case-1',
): { state: CaseState<F>; events: ReturnType<typeof decide> } => {
  let state = initialCaseState(lifecycle);
  const events: ReturnType<typeof decide> = [];
  steps.forEach((step, i) => {
    const command: CaseCommand = {
      caseId,
      name: step.name,
      payload: step.payload ?? {},
      commandId: `${caseId}-cmd-${i}`,
      actor: step.actor ?? desk,
      ...(step.occurredAt ? { occurredAt: step.occurredAt } : {}),
    };
    for (const event of decide(lifecycle, state, command, { now: at(step.now), ruleset: sampleRuleset, staff: testStaff, ...context })) {
      events.push(event);
      state = evolve(lifecycle, state, event);
    }
  });
  return { state, events };
};

/** Asserts that `fn` throws the engine error `code` with details matching `details`. */
export const refuses = (t: Pick<typeof import('tap').default, 'match' | 'fail'>, fn: () => unknown, code: string, details: Record<string, unknown> = {}) => {
  try {
    fn();
    t.fail(`expected ${code}`);
  } catch (error) {
    t.match(error, { code, details }, `${code}: ${(error as Error).message}`);
  }
};
