import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { Temporal } from 'temporal-polyfill';
import { loadCase } from '../../src/app/case-history.js';
import { caseService, type CaseService, type ExecuteResult } from '../../src/app/case-service.js';
import { NUMBERING_STREAM_PREFIX } from '../../src/app/work-order-numbers.js';
import { manualClock, type ManualClock } from '../../src/runtime/clock.js';
import { openRulesetRegistry, type RulesetRegistry } from '../../src/ruleset/registry.js';
import type { CaseState } from '../../src/domain/case/state.js';
import type { Actor } from '../../src/domain/events/envelope.js';
import { firstBrokenLink } from '../../src/domain/integrity.js';
import { loadRuleset } from '../../src/ruleset/load.js';
import { isEngineError } from '../../src/errors.js';
import type { EventStore, ReadStreamOptions } from '../../src/store/port.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';

// The case service's tests share these: the complaint bodies, stores to act through, and what of an outcome they compare.

export const ruleset = await loadRuleset(new URL('../../rules', import.meta.url).pathname);
export const desk: Actor = { id: 'desk-1', role: 'frontdesk' };
const START = Temporal.Instant.from('2026-03-02T01:00:00Z');
export const complaint = {
  propertyId: 'demo',
  unit: '3-2-1201',
  category: 'noise',
  description: '楼上深夜装修噪音',
  channel: 'phone',
  owner: { name: '测试业主', phone: '+86 138-0013-8000' },
};
/** A payload each complaint action accepts when the lifecycle allows it. */
export const bodies: Record<string, unknown> = {
  receive: complaint,
  acknowledge: {},
  assign: { department: 'engineering' },
  resolve: { resolution: '已协调施工方' },
  'notify-owner': {},
  callback: { satisfaction: 'satisfied' },
  close: {},
  reopen: { reason: '业主不满意' },
  escalate: { reason: '多次投诉' },
  withdraw: { reason: '业主撤回' },
  reject: { reason: '非物业责任' },
};

/**
 * A store that lets a test act at chosen moments: before an append, and records how streams are
 * read. It passes on the inner store's knownRevision only when asked to, so that reads happen.
 */
export const instrumented = (inner: () => EventStore, options: { knownRevision?: boolean } = {}) => {
  const reads: { stream: string; options: ReadStreamOptions | undefined }[] = [];
  let beforeAppend: (() => Promise<void>) | undefined;
  const store: EventStore = {
    appendToStream: async (stream, events, options) => {
      const hook = beforeAppend;
      beforeAppend = undefined;
      await hook?.();
      return inner().appendToStream(stream, events, options);
    },
    readStream: (stream, options) => {
      // The counters of work-order numbers are streams of their own, read apart from the record's.
      if (!stream.startsWith(NUMBERING_STREAM_PREFIX)) reads.push({ stream, options });
      return inner().readStream(stream, options);
    },
    readAll: (options) => inner().readAll(options),
    subscribeToAll: (options) => inner().subscribeToAll(options),
    close: () => inner().close(),
    ...(options.knownRevision ? { knownRevision: (stream: string) => inner().knownRevision?.(stream) } : {}),
  };
  return { store, reads, onceBeforeAppend: (hook: () => Promise<void>) => void (beforeAppend = hook) };
};

export interface Setup {
  readonly clock: ManualClock;
  readonly rulesets: RulesetRegistry;
  service(store: EventStore, cacheSize?: number): CaseService;
}
export const setup = async (store: EventStore): Promise<Setup> => {
  const clock = manualClock(START);
  const rulesets = await openRulesetRegistry(store, ruleset);
  return { clock, rulesets, service: (s, cacheSize) => caseService({ store: s, rulesets, clock, ...(cacheSize === undefined ? {} : { cacheSize }) }) };
};

export const run = (service: CaseService, caseId: string, name: string, commandId = `${caseId}-${name}-${Math.random()}`) =>
  service.execute({ caseType: 'complaint', command: { caseId, name, payload: bodies[name], commandId, actor: desk } });

/** Everything about an outcome that must not depend on the cache. */
export const outcome = (result: ExecuteResult) => ({
  caseId: result.caseId,
  revision: String(result.revision),
  replayed: result.replayed,
  state: view(result.state),
  events: result.events,
});
const view = (state: CaseState<unknown>) => ({
  state: state.snapshot.state,
  facts: state.snapshot.facts,
  done: state.snapshot.done,
  revision: state.revision === null ? null : String(state.revision),
  propertyId: state.propertyId,
  rulesetVersion: state.rulesetVersion,
  lastOccurredAt: state.lastOccurredAt,
  lastHash: state.lastHash,
});
export const failure = (error: unknown) => (isEngineError(error) ? { error: error.code, details: error.details } : Promise.reject(error));

export const chainIntact = async (store: EventStore, caseId: string) => {
  const history = await loadCase(store, 'complaint', caseId);
  return firstBrokenLink(history.events) === -1;
};

/** Two store objects on one SQLite file: two processes sharing the event store. */
export const twoProcesses = (t: Test) => {
  const dir = mkdtempSync(join(tmpdir(), 'case-service-'));
  const stores = [openSqliteEventStore({ file: `${dir}/events.db` }), openSqliteEventStore({ file: `${dir}/events.db` })] as const;
  // The stores close (their last anchor writes done) before their directory goes.
  t.teardown(async () => {
    for (const store of stores) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return stores;
};
