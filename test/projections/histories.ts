import fc from 'fast-check';
import { allowedCommands } from '../../src/domain/case/decide.js';
import { recordOf } from '../../src/domain/records.js';
import { initialCaseState } from '../../src/domain/case/state.js';
import type { RecordType } from '../../src/domain/records.js';
import type { World } from './harness.js';
import { payloadFor, pick } from './history-payloads.js';

/** One step of a random history: which case acts, which of its allowed commands, with which choices, after how long. */
export interface Step {
  readonly caseIndex: number;
  readonly command: number;
  readonly choice: number;
  readonly minutes: number;
  /** Let the live runner apply what has been written so far. */
  readonly sync: boolean;
}

/** What a case index acts on: a record type, and for some complaints and repairs the way they go when all goes well. */
interface Track {
  readonly caseType: RecordType;
  readonly journey?: readonly string[];
}

/**
 * Two complaints and two repairs driven by random commands, as the histories had before the
 * other records came; one visit, fee ledger, activity, archive check and spot check; and a
 * complaint and a repair that go forward to their callback and closing, which random commands
 * seldom reach (without them callback.rate and satisfaction.rate would hardly ever be counted).
 */
export const tracks: readonly Track[] = [
  { caseType: 'complaint' },
  { caseType: 'repair' },
  { caseType: 'complaint' },
  { caseType: 'repair' },
  { caseType: 'visit' },
  { caseType: 'fee' },
  { caseType: 'activity' },
  { caseType: 'archive_check' },
  { caseType: 'inspection' },
  { caseType: 'complaint', journey: ['receive', 'acknowledge', 'assign', 'resolve', 'notify-owner', 'callback', 'close'] },
  { caseType: 'repair', journey: ['report', 'dispatch', 'accept', 'arrive', 'complete', 'verify', 'callback', 'close'] },
];

export const stepArbitrary: fc.Arbitrary<Step> = fc.record({
  caseIndex: fc.oneof(
    { weight: 4, arbitrary: fc.nat(3) },
    { weight: 3, arbitrary: fc.integer({ min: 4, max: 8 }) },
    { weight: 2, arbitrary: fc.integer({ min: 9, max: tracks.length - 1 }) },
  ),
  command: fc.nat(40),
  choice: fc.nat(40),
  minutes: fc.oneof(fc.constant(0), fc.nat(90), fc.nat(3000)),
  sync: fc.boolean(),
});

/** Complaints, repairs and visits have deadlines whose misses the watcher records. */
const watched = new Set<RecordType>(['complaint', 'repair', 'visit']);
/**
 * A complaint or a repair is one case at a time; the other records come many to a case index
 * (a ledger a month, a check after another), so "record another" is among their commands.
 */
const oneAtATime = new Set<RecordType>(['complaint', 'repair']);

/**
 * Runs steps through decide; a command its guards or the agreement refuse is skipped, as a desk
 * would be told no. A case index whose case has ended, or whose record's opening command is
 * picked again, opens a new one. A step on a journey takes the case up to four commands further
 * along it (a random allowed one where the journey has no way on, e.g. after a rework).
 */
export const historyOf = (world: World) => {
  const generations = new Map<number, number>();
  /** Per journey case index, how far along its journey the case is. */
  const along = new Map<number, number>();
  const idOf = (index: number) => `k${index}-${generations.get(index) ?? 0}`;

  const act = async (step: Step, track: Track): Promise<boolean> => {
    const { caseType, journey } = track;
    const lifecycle = recordOf(caseType).lifecycle;
    const opening = lifecycle.commands.find((c) => c.creates)!.name;
    const next = () => {
      generations.set(step.caseIndex, (generations.get(step.caseIndex) ?? 0) + 1);
      along.delete(step.caseIndex);
    };
    if (world.stateOf(caseType, idOf(step.caseIndex))?.snapshot.done) next();
    let state = world.stateOf(caseType, idOf(step.caseIndex)) ?? initialCaseState(lifecycle);
    const allowed =
      state.revision === null
        ? [opening]
        : [
            ...allowedCommands(lifecycle, state, world.ruleset),
            ...(watched.has(caseType) ? ['record-deadline-miss'] : []),
            ...(oneAtATime.has(caseType) ? [] : [opening]),
          ];
    const position = along.get(step.caseIndex) ?? 0;
    const forward = journey?.slice(position).find((name) => allowed.includes(name));
    const name = forward ?? pick(allowed, step.command);
    if (name === opening && state.revision !== null) {
      next();
      state = initialCaseState(lifecycle);
    }
    try {
      await world.act(caseType, idOf(step.caseIndex), name, payloadFor(caseType, { world, name, facts: state.snapshot.facts, choice: step.choice }));
    } catch (error) {
      if ((error as { code?: string }).code) return false;
      throw error;
    }
    if (forward) along.set(step.caseIndex, journey!.indexOf(forward, position) + 1);
    return true;
  };

  return async (step: Step): Promise<boolean> => {
    world.advance({ minutes: step.minutes });
    const track = tracks[step.caseIndex]!;
    const commands = track.journey ? 1 + (step.command % 4) : 1;
    let applied = false;
    for (let i = 0; i < commands; i++) {
      if (!(await act(step, track))) break;
      applied = true;
    }
    return applied;
  };
};
