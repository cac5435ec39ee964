import { Temporal } from 'temporal-polyfill';
import { decide } from '../../src/domain/case/decide.js';
import { initialCaseState } from '../../src/domain/case/state.js';
import { recordOf } from '../../src/domain/records.js';
import { loadRuleset } from '../../src/ruleset/load.js';

/** The complaint lifecycle, and the events of one complaint received at the desk under the project's rules: the case stores' fixture. */
export const ruleset = await loadRuleset(new URL('../../rules', import.meta.url).pathname);
export const lifecycle = recordOf('complaint').lifecycle;
export const received = decide(
  lifecycle,
  initialCaseState(lifecycle),
  {
    caseId: 'c1',
    name: 'receive',
    commandId: 'cmd-1',
    actor: { id: 'desk', role: 'frontdesk' },
    payload: { propertyId: 'demo', unit: '1-1-101', category: 'noise', description: '噪音', channel: 'phone', owner: { name: '业主', phone: '13800000001' } },
  },
  { now: Temporal.Instant.from('2026-03-02T01:00:00Z'), ruleset },
);
