import t from 'tap';
import { Temporal } from 'temporal-polyfill';
import type { RawRow } from '../../src/audit/import/format.js';
import { importCases } from '../../src/audit/import/import.js';
import { eventRowsOf, expandSummary } from '../../src/audit/import/summary.js';
import { loadRuleset } from '../../src/ruleset/load.js';
import { openRulesetRegistry } from '../../src/ruleset/registry.js';
import { createMemoryEventStore } from '../../src/store/memory.js';

const RULES = new URL('../../rules', import.meta.url).pathname;
const clock = { now: () => Temporal.Instant.from('2026-12-01T00:00:00Z') };

const summaryRow = (number: string, more: Record<string, string> = {}) => ({
  type: 'repair',
  number,
  propertyId: 'demo',
  unit: '1-1-101',
  category: 'plumbing',
  description: '漏水',
  receivedAt: '2022-01-03T08:00:00+08:00',
  ownerName: '李女士',
  technician: 'tech-1',
  dispatchedAt: '2022-01-03T08:15:00+08:00',
  closedAt: '2022-01-04T08:00:00+08:00',
  ...more,
});

/** Event rows as a summary expands them, and some that only look built: what readRow must still refuse or read. */
const rows = (): RawRow[] => {
  const values = [
    summaryRow('BX-1'),
    summaryRow('BX-2', { technician: 't'.repeat(201) }),
    summaryRow('BX-3', { description: 'abc\u202Edef' }),
    summaryRow('BX-4', { description: '漏\uFFFD水' }),
    summaryRow('BX-5', { closedAt: '2022-01-04T08:00:00.123456789+08:00' }),
  ];
  const expanded = expandSummary(
    values.map((value, i) => ({ row: i + 2, value })),
    { zoneOf: () => ({}), now: clock.now() },
  );
  t.same(expanded.problems, [], 'the summary rows are good ones');
  const built = expanded.records.flatMap(eventRowsOf);
  const value = (i: number) => built[i]!.value as Record<string, unknown>;
  return [
    ...built,
    // Not as a summary builds them: a member beside the known ones, a local time, an actor with spaces around, no fields.
    { row: 20, value: { ...value(0), caseRef: 'EX-1', extra: 'x' } },
    { row: 21, value: { ...value(0), caseRef: 'EX-2', occurredAt: '2022-01-03 08:00' } },
    { row: 22, value: { ...value(0), caseRef: 'EX-3', actor: ' old-system ' } },
    { row: 23, value: { ...value(0), caseRef: 'EX-4', fields: null } },
  ];
};

const imported = async (built: boolean) => {
  const store = createMemoryEventStore();
  const rulesets = await openRulesetRegistry(store, await loadRuleset(RULES));
  const report = await importCases({ store, rulesets, clock }, { rows: rows(), problems: [] }, { built, timeZone: 'Asia/Shanghai' });
  const events = (await store.readAll()).map((e) => [e.streamName, e.id, e.type, e.data, e.metadata]);
  await store.close();
  return { report, events };
};

t.test('rows built from summary rows are read as readRow reads them: the same report, the same events', async (t) => {
  const fast = await imported(true);
  const read = await imported(false);
  t.same(fast, read);
  t.match(read.report.rejected, [
    { row: 3, caseRef: 'BX-2', field: 'fields.technicianId' },
    { row: 4, caseRef: 'BX-3', field: 'fields.description' },
    { row: 5, caseRef: 'BX-4', field: 'fields.description', code: 'INVALID_ENCODING' },
    { row: 20, caseRef: 'EX-1', field: 'fields', message: /extra/ },
    { row: 23, caseRef: 'EX-4' },
  ]);
  t.same(
    read.report.caseList.filter((c) => c.status === 'imported').map((c) => c.caseRef),
    ['BX-1', 'BX-5', 'EX-2', 'EX-3'],
    'the good ones, and those that only look built read as readRow reads them',
  );
});
