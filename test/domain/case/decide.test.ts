import fc from 'fast-check';
import t from 'tap';
import { v5 as uuidv5, v7 as uuidv7, validate as uuidValidate } from 'uuid';
import { allowedCommands, decide, eventIdFor, importedEventId } from '../../../src/domain/case/decide.js';
import { initialCaseState } from '../../../src/domain/case/state.js';
import { complaintLifecycle } from '../../../src/domain/complaint/lifecycle.js';
import { eventMetadataSchema } from '../../../src/domain/events/envelope.js';
import { firstBrokenLink } from '../../../src/domain/integrity.js';
import { repairLifecycle } from '../../../src/domain/repair/lifecycle.js';
import { at, complaintBody, desk, repairBody, run, sampleRuleset } from './fixtures.js';

const T0 = '2026-03-02T01:00:00Z';
const received = [{ name: 'receive', payload: complaintBody, now: T0 }];

const rejects = (t: Pick<typeof import('tap').default, 'match' | 'fail'>, fn: () => unknown, code: string, details: Record<string, unknown> = {}) => {
  try {
    fn();
    t.fail(`expected ${code}`);
  } catch (error) {
    t.match(error, { code, details }, `${code}: ${(error as Error).message}`);
  }
};

t.test('the envelope carries actor, property, command, ruleset version and both times', async (t) => {
  const { events } = run(complaintLifecycle, [{ name: 'receive', payload: complaintBody, now: T0, occurredAt: '2026-03-02T08:50:00+08:00' }]);
  const [event] = events;
  t.ok(eventMetadataSchema.safeParse(event!.metadata).success, 'metadata matches its schema');
  t.match(event!.metadata, {
    schemaVersion: 1,
    caseType: 'complaint',
    caseId: 'case-1',
    propertyId: 'demo',
    actor: desk,
    commandId: 'case-1-cmd-0',
    correlationId: 'case-1-cmd-0',
    causationId: null,
    rulesetVersion: sampleRuleset.version,
    recordedAt: '2026-03-02T01:00:00Z',
    occurredAt: '2026-03-02T00:50:00Z',
  });
  t.equal(event!.metadata.imported, undefined);
});

t.test('the same command twice decides the same event ids; another command, other ids', async (t) => {
  const a = run(complaintLifecycle, received).events[0]!;
  const b = run(complaintLifecycle, received).events[0]!;
  t.equal(a.id, b.id);
  t.match(a.id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a UUIDv5');
  const c = run(complaintLifecycle, received, {}, 'case-2').events[0]!;
  t.not(a.id, c.id);
});

t.test('rejections carry stable codes and say what is allowed', async (t) => {
  const { state } = run(complaintLifecycle, received);
  const cmd = (name: string, payload: unknown = {}, extra = {}) => ({ caseId: 'case-1', name, payload, commandId: `x-${name}`, actor: desk, ...extra });
  const ctx = { now: at(T0), ruleset: sampleRuleset };
  rejects(t, () => decide(complaintLifecycle, state, cmd('resolve', { resolution: 'done' }), ctx), 'TRANSITION_NOT_ALLOWED', {
    command: 'resolve',
    state: 'received',
    allowed: ['acknowledge', 'escalate', 'withdraw', 'reject'],
  });
  rejects(t, () => decide(complaintLifecycle, initialCaseState(complaintLifecycle), cmd('acknowledge'), ctx), 'CASE_NOT_FOUND');
  rejects(t, () => decide(complaintLifecycle, state, cmd('receive', complaintBody), ctx), 'CASE_ALREADY_EXISTS');
  rejects(t, () => decide(complaintLifecycle, state, cmd('fly'), ctx), 'INVALID_COMMAND', { field: 'action' });
  const fresh = initialCaseState(complaintLifecycle);
  rejects(t, () => decide(complaintLifecycle, fresh, cmd('receive', { ...complaintBody, category: 'ghosts' }), ctx), 'INVALID_COMMAND', {
    field: 'category',
    allowed: ['noise', 'environment', 'security', 'service', 'facility', 'parking', 'fees', 'other'],
  });
  rejects(t, () => decide(complaintLifecycle, fresh, cmd('receive', { ...complaintBody, propertyId: 'elsewhere' }), ctx), 'INVALID_COMMAND', {
    field: 'propertyId',
  });
  rejects(t, () => decide(complaintLifecycle, fresh, cmd('receive', { ...complaintBody, unit: '' }), ctx), 'INVALID_COMMAND', { field: 'unit' });
});

t.test('claimed times: back-dating allowance, future, order, import', async (t) => {
  const ctx = { now: at(T0), ruleset: sampleRuleset };
  const fresh = initialCaseState(complaintLifecycle);
  const receive = (occurredAt: string) => ({ caseId: 'c', name: 'receive', payload: complaintBody, commandId: 'r', actor: desk, occurredAt });
  t.equal(
    decide(complaintLifecycle, fresh, receive('2026-03-02T00:30:00Z'), ctx)[0]!.metadata.occurredAt,
    '2026-03-02T00:30:00Z',
    'exactly 30 min back is allowed',
  );
  rejects(t, () => decide(complaintLifecycle, fresh, receive('2026-03-02T00:29:59Z'), ctx), 'OCCURRED_AT_REFUSED', { reason: 'beyond_backdating_allowance' });
  rejects(t, () => decide(complaintLifecycle, fresh, receive('2026-03-02T01:01:01Z'), ctx), 'OCCURRED_AT_REFUSED', { reason: 'future' });
  t.equal(
    decide(complaintLifecycle, fresh, receive('2026-03-02T01:00:59Z'), ctx)[0]!.metadata.occurredAt,
    '2026-03-02T01:00:00Z',
    'within the skew tolerance counts as now',
  );
  const imported = decide(complaintLifecycle, fresh, receive('2025-06-01T00:00:00Z'), { ...ctx, imported: true })[0]!;
  t.equal(imported.metadata.imported, true, 'an import keeps old claimed times and is marked');
  t.equal(imported.id, importedEventId(imported.metadata.commandId, 0, '2025-06-01T00:00:00Z'), 'an imported event has the id of when it occurred');
  const { state } = run(complaintLifecycle, [{ name: 'receive', payload: complaintBody, now: T0 }]);
  rejects(
    t,
    () =>
      decide(
        complaintLifecycle,
        state,
        { caseId: 'case-1', name: 'acknowledge', payload: {}, commandId: 'a', actor: desk, occurredAt: '2026-03-02T00:59:00Z' },
        ctx,
      ),
    'OCCURRED_AT_REFUSED',
    { reason: 'before_previous_event' },
  );
});

t.test('guards of the lifecycle give precise reasons', async (t) => {
  const steps = [...received, { name: 'acknowledge', now: T0 }, { name: 'resolve', payload: { resolution: '已协调' }, now: T0 }];
  const { state } = run(complaintLifecycle, steps);
  const ctx = { now: at(T0), ruleset: sampleRuleset };
  rejects(
    t,
    () => decide(complaintLifecycle, state, { caseId: 'case-1', name: 'close', payload: {}, commandId: 'c', actor: desk }, ctx),
    'TRANSITION_NOT_ALLOWED',
    { reason: /needs a reason/ },
  );
  const closed = decide(
    complaintLifecycle,
    state,
    { caseId: 'case-1', name: 'close', payload: { reason: 'owner unreachable' }, commandId: 'c', actor: desk },
    ctx,
  );
  t.match(closed[0], { type: 'ComplaintClosed', data: { withoutCallback: true, reason: 'owner unreachable' } });

  const unhappy = run(complaintLifecycle, [...steps, { name: 'callback', payload: { satisfaction: 'dissatisfied' }, now: T0 }]);
  t.same(allowedCommands(complaintLifecycle, unhappy.state, sampleRuleset), ['callback', 'reopen', 'escalate'], 'a dissatisfied owner must be followed up');
  rejects(
    t,
    () => decide(complaintLifecycle, unhappy.state, { caseId: 'case-1', name: 'close', payload: {}, commandId: 'c', actor: desk }, ctx),
    'TRANSITION_NOT_ALLOWED',
    { reason: /dissatisfied/, rule: 'agreements/demo-2026.yaml followUp.complaint: required' },
  );
  const reopened = run(complaintLifecycle, [
    ...steps,
    { name: 'callback', payload: { satisfaction: 'dissatisfied' }, now: T0 },
    { name: 'reopen', payload: { reason: '仍有噪音' }, now: T0 },
  ]);
  t.equal(reopened.state.snapshot.state, 'handling');
  t.equal(reopened.state.snapshot.facts.resolvedAt, null, 'the earlier resolution no longer counts');
  t.equal(reopened.state.snapshot.facts.allCallbacks.length, 1, 'the rating stays on record');
});

t.test('repair: pause ledger, reclassification, rework', async (t) => {
  const { state, events } = run(repairLifecycle, [
    { name: 'report', payload: repairBody, now: '2026-03-06T02:00:00Z' },
    { name: 'dispatch', payload: { technicianId: 'tech-7' }, now: '2026-03-06T02:10:00Z' },
    { name: 'accept', now: '2026-03-06T02:12:00Z' },
    { name: 'arrive', now: '2026-03-06T02:40:00Z' },
    { name: 'pause', payload: { reason: 'awaiting_parts' }, now: '2026-03-06T03:00:00Z' },
    { name: 'reclassify', payload: { complexity: 'complex', reason: '需更换主管道' }, now: '2026-03-06T04:00:00Z' },
    { name: 'resume', now: '2026-03-09T01:00:00Z' },
    { name: 'complete', payload: { workDone: '更换主管道' }, now: '2026-03-09T05:00:00Z' },
    { name: 'verify', payload: { accepted: false, note: '仍渗水' }, now: '2026-03-09T06:00:00Z' },
  ]);
  t.equal(state.snapshot.state, 'rework');
  t.same(events.map((e) => e.type).slice(-2), ['RepairCompleted', 'RepairReworkRequested']);
  t.same(state.snapshot.facts.pauses, [{ start: '2026-03-06T03:00:00Z', end: '2026-03-09T01:00:00Z', reason: 'awaiting_parts' }]);
  t.match(state.snapshot.facts.reclassifications, [{ from: 'general', to: 'complex', reason: '需更换主管道' }]);
  t.equal(state.snapshot.facts.complexity, 'complex');
  t.equal(state.snapshot.facts.completedAt, null, 'a rework clears the completion');
  t.equal(state.revision, 8n);
  t.equal(firstBrokenLink(events), -1, 'the events form an intact hash chain');
  const tampered = events.map((e, i) => (i === 3 ? { ...e, data: { tampered: true } } : e));
  t.equal(firstBrokenLink(tampered), 3, 'an edited event breaks the chain at that event');
});

t.test('a creating event is hashed over its data as stored, once, and returned with its data as decided', async (t) => {
  const given: unknown[] = [];
  const storedData = (data: unknown) => {
    given.push(data);
    return { ...(data as object), owner: { name: 'pii:v1:sealed-name', phone: 'pii:v1:sealed-phone' } };
  };
  const { events, state } = run(
    complaintLifecycle,
    [
      { name: 'receive', payload: complaintBody, now: T0 },
      { name: 'acknowledge', now: '2026-03-02T01:05:00Z' },
    ],
    { storedData },
  );
  t.equal(given.length, 1, 'only the creating event is asked for its stored form');
  t.same(events[0]!.data, complaintBody, 'the event keeps its data as decided');
  t.equal(given[0], events[0]!.data, 'the very data it was asked to store');
  const stored = events.map((e, i) => (i === 0 ? { ...e, data: storedData(e.data) } : e));
  t.equal(firstBrokenLink(stored), -1, 'the chain is intact over the stored form');
  t.equal(firstBrokenLink(events), 0, 'and not over the data as decided');
  t.equal(state.lastHash, events[1]!.metadata.integrity.hash, 'the state builds on the stored hashes');
  t.equal(firstBrokenLink(run(complaintLifecycle, received).events), -1, 'without a stored form, the hash covers the data as decided');
});

const namespace = '4f0e6c9a-3b1d-5e2f-9a47-8c6d2b1e0f35';
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

t.test("event ids are the uuid package's UUIDv5 of the command id and index, for any command id but a UUIDv7", async (t) => {
  t.equal(eventIdFor('idem-0123456789abcdef0123456789abcdef', 0), uuidv5('idem-0123456789abcdef0123456789abcdef#0', namespace));
  fc.assert(
    fc.property(
      fc.string({ unit: 'grapheme' }).filter((id) => !UUID_V7.test(id)),
      fc.nat(3),
      (commandId, index) => eventIdFor(commandId, index) === uuidv5(`${commandId}#${index}`, namespace),
    ),
  );
  t.equal(eventIdFor('6f1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3', 1), uuidv5('6f1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3#1', namespace), 'a UUIDv4 command id too');
  t.throws(() => eventIdFor('lone \uD800 surrogate', 0), 'a name UTF-8 cannot carry is refused, as by the package');
});

t.test('a UUIDv7 command id gives UUIDv7 event ids of its millisecond: the UUIDv5 after the version', async (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.nat(7), (msecs, random, index) => {
      const commandId = uuidv7({ msecs, random });
      const id = eventIdFor(commandId, index);
      const v5 = uuidv5(`${commandId}#${index}`, namespace);
      return (
        UUID_V7.test(id) &&
        uuidValidate(id) &&
        id.slice(0, 13) === commandId.slice(0, 13) &&
        id.slice(15) === v5.slice(15) &&
        id === eventIdFor(commandId, index)
      );
    }),
  );
  const commandId = uuidv7({ msecs: Date.parse('2026-03-02T01:00:00Z') });
  const ids = [0, 1, 2].map((index) => eventIdFor(commandId, index));
  t.equal(new Set(ids).size, 3, 'one id per event of the command');
  t.ok(eventIdFor(uuidv7({ msecs: Date.parse('2026-03-02T01:00:00.001Z') }), 0) > ids[2]!, 'a later millisecond sorts after');
});

t.test('an imported event id is the UUIDv5 behind the millisecond it occurred, as a UUIDv7', async (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), fc.string({ minLength: 1 }), fc.nat(3), (msecs, commandId, index) => {
      const occurredAt = new Date(Math.min(msecs, 8.64e15)).toISOString();
      const id = importedEventId(commandId, index, occurredAt);
      const v5 = uuidv5(`${commandId}#${index}`, namespace);
      const millis = Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
      return (
        UUID_V7.test(id) &&
        uuidValidate(id) &&
        millis === Date.parse(occurredAt) &&
        id.slice(15) === v5.slice(15) &&
        id === importedEventId(commandId, index, occurredAt)
      );
    }),
  );
  const ids = ['2019-01-01T08:00:00Z', '2019-01-01T08:00:00.001Z', '2019-01-02T00:00:00+08:00', '2024-05-01T00:00:00Z'].map((at) =>
    importedEventId('import-key-x', 0, at),
  );
  t.same([...ids].sort(), ids, 'ids sort as the times they occurred');
  t.not(
    importedEventId('import-key-x', 0, '2019-01-01T08:00:00Z'),
    importedEventId('import-key-y', 0, '2019-01-01T08:00:00Z'),
    'two rows of one millisecond differ',
  );
  t.equal(importedEventId('import-key-x', 0, '1969-12-31T23:59:59Z'), uuidv5('import-key-x#0', namespace), 'before 1970 the UUIDv5 stays');
});
