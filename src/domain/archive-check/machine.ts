import { assign, setup } from 'xstate';
import { applyArchiveCheckEvent, emptyArchiveCheckFacts, type ArchiveCheckFacts, type ArchiveCheckMachineEvent } from './facts.js';

/** An owner-archive check: found correct, or incorrect and then corrected. */
export const archiveCheckMachine = setup({
  types: { context: {} as ArchiveCheckFacts, events: {} as ArchiveCheckMachineEvent },
  actions: {
    record: assign(({ context, event }) => applyArchiveCheckEvent(context, event)),
  },
  guards: {
    foundCorrect: ({ event }) => event.type === 'ArchiveChecked' && event.data.correct,
  },
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
