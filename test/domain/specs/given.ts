import type { Test } from 'tap';
import type { Lifecycle } from '../../../src/domain/case/definition.js';
import { allowedCommands, decide } from '../../../src/domain/case/decide.js';
import { evolve, initialCaseState, type CaseState } from '../../../src/domain/case/state.js';
import type { Actor } from '../../../src/domain/events/envelope.js';
import { isEngineError } from '../../../src/errors.js';
import { at, desk, sampleRuleset } from '../case/fixtures.js';
import { testStaff } from '../../staff-fixture.js';

/** A command in a spec: its name, its payload, who gives it (the front desk by default). */
export interface SpecCommand {
  readonly name: string;
  readonly payload?: unknown;
  readonly actor?: Actor;
}

const NOW = '2026-09-10T02:00:00Z';

/**
 * A decision spec, Emmett's way: given the commands a record went through, when one more arrives,
 * then it decides these events (type and data) and leaves the record in this state with these
 * actions allowed — or it is refused with this code and message.
 */
export const spec =
  <F>(t: Test, lifecycle: Lifecycle<F>) =>
  (name: string, given: readonly SpecCommand[]) => {
    let state: CaseState<F> = initialCaseState(lifecycle);
    given.forEach((command, i) => {
      for (const event of decide(
        lifecycle,
        state,
        { caseId: 'spec', name: command.name, payload: command.payload ?? {}, commandId: `given-${i}`, actor: command.actor ?? desk },
        { now: at(NOW), ruleset: sampleRuleset, staff: testStaff },
      )) {
        state = evolve(lifecycle, state, event);
      }
    });
    const attempt = (command: SpecCommand) =>
      decide(
        lifecycle,
        state,
        { caseId: 'spec', name: command.name, payload: command.payload ?? {}, commandId: 'when', actor: command.actor ?? desk },
        { now: at(NOW), ruleset: sampleRuleset, staff: testStaff },
      );
    return {
      when: (command: SpecCommand) => ({
        thenDecides: (expected: { events: ReadonlyArray<{ type: string; data?: Record<string, unknown> }>; state: string; allowed?: readonly string[] }) =>
          t.test(`${name}: when ${command.name}, then ${expected.events.map((e) => e.type).join(', ')}`, async (t) => {
            const events = attempt(command);
            t.same(
              events.map((e) => e.type),
              expected.events.map((e) => e.type),
              'the events decided',
            );
            expected.events.forEach((e, i) => {
              if (e.data) t.match(events[i]!.data, e.data, `${e.type}'s data`);
            });
            const after = events.reduce((s, e) => evolve(lifecycle, s, e), state);
            t.equal(after.snapshot.state, expected.state, 'the state after');
            if (expected.allowed) t.same(allowedCommands(lifecycle, after, sampleRuleset), expected.allowed, 'what may be done next');
          }),
        thenRefused: (code: string, message: RegExp) =>
          t.test(`${name}: when ${command.name}, then refused (${code})`, async (t) => {
            try {
              attempt(command);
              t.fail('the command was accepted');
            } catch (error) {
              if (!isEngineError(error)) throw error;
              t.equal(error.code, code);
              t.match(error.message, message);
            }
          }),
      }),
    };
  };
