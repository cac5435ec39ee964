import { assign, setup } from 'xstate';
import { guardChecks, type GuardRule } from '../case/definition.js';
import { applyArchiveCheckEvent, emptyArchiveCheckFacts, type ArchiveCheckFacts, type ArchiveCheckMachineEvent } from './facts.js';

export const archiveCheckGuards = {
  foundCorrect: { test: ({ event }) => event.type === 'ArchiveChecked' && event.data.correct },
} satisfies Record<string, GuardRule<ArchiveCheckFacts, ArchiveCheckMachineEvent>>;

/** An owner-archive check: found correct, or incorrect and then corrected. */
export const archiveCheckMachine = setup({
  types: { context: {} as ArchiveCheckFacts, events: {} as ArchiveCheckMachineEvent },
  actions: {
    record: assign(({ context, event }) => applyArchiveCheckEvent(context, event)),
  },
  guards: guardChecks(archiveCheckGuards),
}).createMachine({
  id: 'archive_check',
  context: emptyArchiveCheckFacts,
  initial: 'new',
  states: {
    new: {
      on: {
        ArchiveChecked: [
          { target: 'correct', guard: 'foundCorrect', actions: 'record' },
          { target: 'incorrect', actions: 'record' },
        ],
      },
    },
    incorrect: { on: { ArchiveCorrected: { target: 'corrected', actions: 'record' } } },
    correct: { type: 'final' },
    corrected: { type: 'final' },
  },
});
