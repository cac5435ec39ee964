import fc from 'fast-check';
import { allowedCommands } from '../../src/domain/case/decide.js';
import { lifecycles } from '../../src/app/case-history.js';
import { initialCaseState } from '../../src/domain/case/state.js';
import type { CaseType } from '../../src/domain/events/envelope.js';
import type { ComplaintFacts } from '../../src/domain/complaint/facts.js';
import type { RepairFacts } from '../../src/domain/repair/facts.js';
import type { World } from './harness.js';

/** One step of a random history: which case acts, which of its allowed commands, with which choices, after how long. */
export interface Step {
  readonly caseIndex: number;
  readonly command: number;
  readonly choice: number;
  readonly minutes: number;
  /** Let the live runner apply what has been written so far. */
  readonly sync: boolean;
}

export const stepArbitrary: fc.Arbitrary<Step> = fc.record({
  caseIndex: fc.nat(3),
  command: fc.nat(40),
  choice: fc.nat(40),
  minutes: fc.oneof(fc.constant(0), fc.nat(90), fc.nat(3000)),
  sync: fc.boolean(),
});

const pick = <T>(items: readonly T[], n: number): T => items[n % items.length]!;
const satisfactions = ['very_satisfied', 'satisfied', 'neutral', 'dissatisfied'] as const;

const payloadFor = (world: World, caseType: CaseType, name: string, facts: ComplaintFacts & RepairFacts, choice: number): unknown => {
  const spec = world.ruleset.spec;
  switch (name) {
    case 'receive':
      return { propertyId: 'demo', unit: pick(['3-2-1201', '7-1-101', 'East gate'], choice), category: pick(spec.categories.complaint, choice).id,
        description: '噪音', channel: pick(['phone', 'app', 'wechat'], choice), owner: { name: '王', phone: '13800000000' } };
    case 'report':
      return { propertyId: 'demo', location: pick(['5-1-302', 'B2 car park'], choice), category: pick(spec.categories.repair, choice).id,
        complexity: pick(['general', 'complex'], choice), description: '漏水', owner: { name: '李', phone: '13900000000' } };
    case 'assign': return { department: pick(spec.categories.departments, choice).id };
    case 'dispatch': return { technicianId: pick(['tech-1', 'tech-2', 'tech-3'], choice) };
    case 'resolve': return { resolution: '已处理' };
    case 'complete': return { workDone: '更换阀门' };
    case 'callback': return { satisfaction: pick(satisfactions, choice) };
    case 'close': return choice % 2 ? { reason: '业主联系不上' } : {};
    case 'verify': return { accepted: choice % 3 !== 0 };
    case 'pause': return { reason: pick(['awaiting_parts', 'owner_absent', 'owner_quote'], choice) };
    case 'reclassify': return { complexity: facts.complexity === 'general' ? 'complex' : 'general', reason: '重新评估' };
    case 'record-deadline-miss': {
      const clock = caseType === 'complaint' ? pick(['response', 'resolution'], choice) : pick(['response', 'completion'], choice);
      const policyId = clock === 'completion' ? `repair.completion.${facts.complexity}` : `${caseType}.${clock}`;
      return { clock, policyId, deadline: '2026-03-02T03:00:00Z' };
    }
    default: return ['reopen', 'escalate', 'withdraw', 'reject', 'cancel'].includes(name) ? { reason: '原因' } : {};
  }
};

/**
 * Runs steps through decide; a command its guards refuse is skipped, as a desk would be told no.
 * A case index whose case has ended opens a new case.
 */
export const historyOf = (world: World) => {
  const generations = new Map<number, number>();
  return async (step: Step): Promise<boolean> => {
    world.advance({ minutes: step.minutes });
    const caseType: CaseType = step.caseIndex % 2 === 0 ? 'complaint' : 'repair';
    const lifecycle = lifecycles[caseType];
    const generation = generations.get(step.caseIndex) ?? 0;
    if (world.stateOf(caseType, `k${step.caseIndex}-${generation}`)?.snapshot.done) generations.set(step.caseIndex, generation + 1);
    const caseId = `k${step.caseIndex}-${generations.get(step.caseIndex) ?? 0}`;
    const state = world.stateOf(caseType, caseId) ?? initialCaseState(lifecycle);
    const allowed = state.revision === null ? [caseType === 'complaint' ? 'receive' : 'report'] : [...allowedCommands(lifecycle, state), 'record-deadline-miss'];
    const name = pick(allowed, step.command);
    try {
      await world.act(caseType, caseId, name, payloadFor(world, caseType, name, state.snapshot.facts as ComplaintFacts & RepairFacts, step.choice));
      return true;
    } catch (error) {
      if ((error as { code?: string }).code) return false;
      throw error;
    }
  };
};
