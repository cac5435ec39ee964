import { recordOf, recordTypes, type RecordType } from '../../src/domain/records.js';
import { actionBodies, complaintBody, repairBody, sampleRuleset, type Harness } from './harness.js';
import { recordActionBodies, recordBody } from './record-bodies.js';
import { routeKey } from './registered-routes.js';
import { technicianFields } from '../staff-fixture.js';

/** The property the fixture's records belong to; the walk calls with tokens of another one. */
export const HOME = 'demo';
/** A property of the sample ruleset that is not HOME: its tokens must learn nothing of HOME. */
export const OTHER = 'riverside';

export interface ScopedRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  readonly url: string;
  readonly body?: unknown;
}

/**
 * How each route with roles is scoped by property, and a request about HOME for it.
 * - `property`: the route acts on a property it is given, or on a record of one. A token of
 *   another property is refused as the code answers today, `refusal`:
 *   `forbidden`: 403 FORBIDDEN naming the property, for a route that is given the property (in
 *   its query or body): the caller named it, and learns nothing of its records.
 *   `as-missing`: a route that finds a record by its id or work-order number answers another
 *   property's record exactly as a missing one (same status, same body but for the id), so a
 *   token of another property cannot learn that it exists — a fee ledger's id derives from
 *   property, unit and month, so otherwise GET /v1/fees/{id} would tell which months were billed.
 *   `rows-rejected`: the import answers 200 with each row of another property rejected FORBIDDEN.
 * - `all-properties`: the answer spans every property; a token of one property is refused.
 * - `own-properties`: the answer lists the caller's properties, and only those.
 * - `no-property`: nothing in it belongs to a property (`why` says what it acts on).
 */
export type RouteScope =
  | { readonly kind: 'property'; readonly refusal: 'forbidden' | 'rows-rejected'; readonly requests: readonly ScopedRequest[] }
  | { readonly kind: 'property'; readonly refusal: 'as-missing'; readonly requests: readonly AboutRecord[] }
  | { readonly kind: 'all-properties' | 'own-properties'; readonly requests: readonly ScopedRequest[] }
  | { readonly kind: 'no-property'; readonly why: string };

/** A request about a record of HOME, and the same request about one that does not exist. */
export interface AboutRecord extends ScopedRequest {
  /** The record's id as the request names it, and a missing one's. */
  readonly names: string;
  readonly missing: ScopedRequest & { readonly names: string };
}

/** An id no record has. */
const MISSING_ID = '01900000-0000-7000-8000-000000000000';

/** Records of HOME, one of each type, and the unit and month of its fee ledger. */
export interface ScopeFixture {
  readonly records: Readonly<Record<RecordType, string>>;
  readonly ledger: { readonly unit: string; readonly period: string };
  /** An anchor of the log, for the check of one. */
  readonly anchor: unknown;
}

const createBodies: Record<RecordType, () => Record<string, unknown>> = {
  complaint: () => complaintBody(),
  repair: () => repairBody(),
  visit: () => recordBody.visit(),
  fee: () => recordBody.fee(),
  activity: () => recordBody.activity(),
  archive_check: () => recordBody.archive_check(),
  inspection: () => recordBody.inspection(),
};
const actionBodiesOf: Record<RecordType, Record<string, unknown>> = { ...actionBodies, ...recordActionBodies };

export const scopeFixture = async (h: Harness): Promise<ScopeFixture> => {
  const ledger = { unit: '7-1-0301', period: '2026-03' };
  const records = {} as Record<RecordType, string>;
  for (const caseType of recordTypes) {
    const body = caseType === 'fee' ? recordBody.fee(ledger) : createBodies[caseType]();
    const response = await h.inject('POST', `/v1/${recordOf(caseType).segment}`, { as: 'admin', body });
    if (response.statusCode !== 201) throw new Error(`create ${caseType}: ${response.statusCode} ${response.body}`);
    records[caseType] = response.json<{ id: string }>().id;
  }
  const anchor = (await h.inject('GET', '/v1/audit/anchor', { as: 'adminAll' })).json();
  return { records, ledger, anchor };
};

/**
 * The scope of each route, by `METHOD url` as registered. The record routes are listed from the
 * lifecycles; an action whose body this file does not know is left out, so the walk fails on
 * its route rather than skipping it.
 */
export const routeScopes = async (fixture: ScopeFixture): Promise<Map<string, RouteScope>> => {
  const scopes = new Map<string, RouteScope>();
  const property = (method: ScopedRequest['method'], url: string, requests: readonly ScopedRequest[]) =>
    scopes.set(routeKey({ method, url }), { kind: 'property', refusal: 'forbidden', requests });
  /** A request naming a record (by `names`, in its url) and the same naming one that does not exist. */
  const about = (request: ScopedRequest, names: string): AboutRecord => ({
    ...request,
    names,
    missing: { ...request, url: request.url.replace(names, MISSING_ID), names: MISSING_ID },
  });
  const record = (method: ScopedRequest['method'], url: string, requests: readonly AboutRecord[]) =>
    scopes.set(routeKey({ method, url }), { kind: 'property', refusal: 'as-missing', requests });

  for (const caseType of recordTypes) {
    const base = `/v1/${recordOf(caseType).segment}`;
    const id = fixture.records[caseType];
    for (const spec of recordOf(caseType).lifecycle.commands) {
      if (spec.creates) {
        property('POST', base, [{ method: 'POST', url: base, body: createBodies[caseType]() }]);
        continue;
      }
      const body = actionBodiesOf[caseType][spec.name];
      if (body !== undefined) record('POST', `${base}/:id/${spec.name}`, [about({ method: 'POST', url: `${base}/${id}/${spec.name}`, body }, id)]);
    }
    // By work-order number the same holds (test/api/numbers.test.ts: this harness keeps no read models to look numbers up in).
    record('GET', `${base}/:id`, [about({ method: 'GET', url: `${base}/${id}` }, id)]);
    record('GET', `${base}/:id/events`, [about({ method: 'GET', url: `${base}/${id}/events` }, id)]);
  }

  // A month billed and one never billed: the refusal must not tell them apart.
  const { unit, period } = fixture.ledger;
  const ledgers = [period, '2026-10'].map((month) => ({ propertyId: HOME, unit, period: month }));
  property(
    'GET',
    '/v1/fees/ledger',
    ledgers.map((key) => ({ method: 'GET', url: `/v1/fees/ledger?${new URLSearchParams(key)}` })),
  );
  property(
    'POST',
    '/v1/fees/payments',
    ledgers.map((key) => ({ method: 'POST', url: '/v1/fees/payments', body: { ...key, amountFen: 1_000, method: 'cash' } })),
  );

  // The list and search: refused before the read models are asked, so without them as with them.
  property('GET', '/v1/cases', [
    { method: 'GET', url: `/v1/cases?propertyId=${HOME}` },
    { method: 'GET', url: `/v1/cases?propertyId=${HOME}&q=3-2-1201&type=complaint` },
    { method: 'GET', url: `/v1/cases?propertyId=${HOME}&queue=unassigned` },
  ]);
  property('GET', '/v1/queues', [{ method: 'GET', url: `/v1/queues?propertyId=${HOME}` }]);
  property('GET', '/v1/staff', [{ method: 'GET', url: `/v1/staff?propertyId=${HOME}&role=technician` }]);

  const report = new URLSearchParams({ propertyId: HOME, period: '2026-03' });
  property('GET', '/v1/compliance', [{ method: 'GET', url: `/v1/compliance?${report}` }]);
  property('GET', '/v1/dashboard', [{ method: 'GET', url: `/v1/dashboard?propertyId=${HOME}` }]);
  property('GET', '/v1/dashboard/stream', [{ method: 'GET', url: `/v1/dashboard/stream?propertyId=${HOME}` }]);
  record(
    'GET',
    '/v1/audit/cases/:caseType/:id',
    recordTypes.map((caseType) => about({ method: 'GET', url: `/v1/audit/cases/${caseType}/${fixture.records[caseType]}` }, fixture.records[caseType])),
  );
  property('GET', '/v1/audit/compliance', [{ method: 'GET', url: `/v1/audit/compliance?${report}&asOf=2026-03-02T01:00:00Z` }]);
  property('POST', '/v1/audit/what-if', [
    { method: 'POST', url: '/v1/audit/what-if', body: { propertyId: HOME, period: '2026-03', rules: { files: (await sampleRuleset()).files } } },
  ]);
  property('GET', '/v1/audit/backdating', [{ method: 'GET', url: `/v1/audit/backdating?propertyId=${HOME}` }]);
  property('GET', '/v1/audit/verify', [{ method: 'GET', url: `/v1/audit/verify?propertyId=${HOME}` }]);

  // The import names its properties inside its rows, which its schema does not show.
  const row = {
    caseRef: 'SCOPE-1',
    caseType: 'complaint',
    action: 'receive',
    occurredAt: '2026-03-01T01:00:00Z',
    actor: 'li.na',
    role: 'frontdesk',
    ...complaintBody(),
  };
  scopes.set('POST /v1/admin/import', { kind: 'property', refusal: 'rows-rejected', requests: [{ method: 'POST', url: '/v1/admin/import', body: [row] }] });

  scopes.set('GET /v1/audit/anchor', { kind: 'all-properties', requests: [{ method: 'GET', url: '/v1/audit/anchor' }] });
  scopes.set('POST /v1/audit/anchor/check', { kind: 'all-properties', requests: [{ method: 'POST', url: '/v1/audit/anchor/check', body: fixture.anchor }] });
  scopes.set('GET /metrics', { kind: 'all-properties', requests: [{ method: 'GET', url: '/metrics' }] });
  // The staff directory and the tokens span every property a person may work for: an administrator of all of them manages them.
  const person = { id: 'scope-tech', ...technicianFields('scope-tech'), properties: [HOME] };
  const staff = [
    ['POST', '/v1/admin/staff', { method: 'POST', url: '/v1/admin/staff', body: person }],
    ['GET', '/v1/admin/staff', { method: 'GET', url: '/v1/admin/staff' }],
    ['GET', '/v1/admin/staff/:personId', { method: 'GET', url: '/v1/admin/staff/tech-7' }],
    ['PATCH', '/v1/admin/staff/:personId', { method: 'PATCH', url: '/v1/admin/staff/tech-7', body: { department: 'security' } }],
    ['POST', '/v1/admin/staff/:personId/deactivate', { method: 'POST', url: '/v1/admin/staff/tech-7/deactivate', body: {} }],
    ['POST', '/v1/admin/tokens', { method: 'POST', url: '/v1/admin/tokens', body: { personId: 'tech-7' } }],
    ['GET', '/v1/admin/tokens', { method: 'GET', url: '/v1/admin/tokens' }],
    ['POST', '/v1/admin/tokens/:tokenId/revoke', { method: 'POST', url: '/v1/admin/tokens/bootstrap-admin/revoke' }],
  ] as const;
  for (const [method, url, request] of staff) scopes.set(`${method} ${url}`, { kind: 'all-properties', requests: [request] });
  scopes.set('GET /dashboard/session', { kind: 'own-properties', requests: [{ method: 'GET', url: '/dashboard/session' }] });
  // The manual clock is the server's (CLOCK=manual, tests and demos): moving it moves every property's deadlines.
  // A person's records may be in any property: the erasure's phone names no record of HOME, so the walk erases nothing.
  scopes.set('POST /v1/admin/erasures', { kind: 'all-properties', requests: [{ method: 'POST', url: '/v1/admin/erasures', body: { phone: '13000000009' } }] });
  scopes.set('PUT /v1/admin/clock', { kind: 'all-properties', requests: [{ method: 'PUT', url: '/v1/admin/clock', body: { now: '2026-03-03T00:00:00Z' } }] });
  scopes.set('GET /v1/meta/records', { kind: 'no-property', why: "the record types are the engine's, the same for every property" });
  return scopes;
};
