import type Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { InvalidCommandError } from '../../domain/case/errors.js';
import { recordTypeSchema } from '../../domain/records.js';
import type { RulesetRegistry } from '../../ruleset/registry.js';
import type { Clock } from '../../runtime/clock.js';
import { isMissingTable } from '../../projections/dashboard-queries.js';
import { listCases, type CaseListRow, type ListCursor } from '../../projections/search/case-list.js';
import { phoneDigest } from '../../projections/search/phone-digest.js';
import { queueCondition, type QueueContext } from '../../projections/search/queues.js';
import type { SearchReader } from '../../projections/search/reader-thread.js';
import type { ReadModelHealth } from '../../app/read-model-health.js';
import { queueIds } from '../../domain/record/queues.js';
import { authorizeProperty } from '../auth/plugin.js';
import { readRoles } from './case-command.js';
import { ReadModelsUnavailableError } from './number-lookup.js';

const name = z.string().trim().min(1).max(100);
const localDate = z.iso.date();

export const caseListQuery = z.strictObject({
  propertyId: name,
  type: recordTypeSchema.optional().describe('A record type id, e.g. complaint'),
  state: name.optional(),
  q: z.string().trim().min(1).max(200).optional().describe('A work-order number, a unit (or its start, e.g. 3-2), or text of the description (any substring)'),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9][0-9 ()-]{4,29}$/, 'a phone number: digits, optional leading +, spaces, dashes or parentheses')
    .optional()
    .describe("The owner's or visitor's full phone number, in any usual spelling: 138 0000 0000, +86 13800000000…"),
  unit: name.optional().describe('A unit, or its start: 3-2 is every unit of building 3, entrance 2'),
  building: name.optional(),
  department: name.optional(),
  technician: name.optional(),
  from: localDate.optional().describe('Received on or after this local date'),
  to: localDate.optional().describe('Received on or before this local date'),
  queue: z.enum(queueIds).optional().describe('Only the records waiting in this queue now (GET /v1/queues counts them)'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(400).optional().describe('The `next` of the page before'),
});
export type CaseListRequest = z.infer<typeof caseListQuery>;

const cursorSchema = z.tuple([z.number().int().min(0).max(2), z.number().int(), z.string().max(100), z.string().max(100)]);

const encodeCursor = (c: ListCursor) => Buffer.from(JSON.stringify([c.rank, c.receivedAt, c.caseType, c.caseId])).toString('base64url');
const decodeCursor = (text: string): ListCursor => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const checked = cursorSchema.safeParse(parsed);
  if (!checked.success) throw new InvalidCommandError('cursor', 'not a cursor this list gave: pass its `next` unchanged');
  const [rank, receivedAt, caseType, caseId] = checked.data;
  return { rank, receivedAt, caseType, caseId };
};

const iso = (millis: number | null) => (millis === null ? null : new Date(millis).toISOString());
const itemOf = (row: CaseListRow) => ({
  type: row.case_type,
  id: row.case_id,
  number: row.number,
  state: row.state,
  unit: row.place,
  category: row.category,
  receivedAt: iso(row.received_at),
  // Who has it now: the technician on a repair, else the department it was assigned or referred to.
  assignee: row.technician_id ?? row.department,
  nextDeadline: iso(row.next_deadline),
});

export interface CaseListDeps {
  readonly rulesets: RulesetRegistry;
  readonly clock: Clock;
  readonly readModels?: Database.Database | undefined;
  /** The key of the phone digests the search projection keeps; without it `phone` cannot be looked up. */
  readonly phoneKey?: Buffer | undefined;
  /** The search thread: with it, the queries run there, off the request thread (the answers are the same). */
  readonly reader?: SearchReader | undefined;
  /** Whether the read models can be answered from: while they fail, lists, searches and queues are a 503. */
  readonly readModel?: Pick<ReadModelHealth, 'refuseIfFailing'> | undefined;
}

/** The instant a queue is read at, and the rules' threshold of a long pause. */
export const queueContext = (deps: CaseListDeps): QueueContext => ({
  now: deps.clock.now().epochMilliseconds,
  pausedLongMs: deps.rulesets.current.intake.pausedLongHours * 3_600_000,
});

/**
 * One page of a property's records from the read models, for any of the list routes: the caller's
 * property checked first, so a token of another property learns nothing, with or without read models.
 */
export const casePage = async (deps: CaseListDeps, request: CaseListRequest) => {
  if (!deps.rulesets.current.property(request.propertyId)) {
    throw new InvalidCommandError(
      'propertyId',
      `unknown property "${request.propertyId}"`,
      deps.rulesets.current.spec.properties.map((p) => p.id),
    );
  }
  if (!deps.readModels) throw new ReadModelsUnavailableError('this server keeps no read models; lists and searches need them');
  await deps.readModel?.refuseIfFailing();
  const { cursor, queue, phone, ...filters } = request;
  if (phone !== undefined && !deps.phoneKey) throw new ReadModelsUnavailableError('this server keeps no phone digests; finding records by phone needs them');
  // Only the number's digest goes further: the query, like the read model, never holds it in clear.
  const byPhone = phone === undefined ? {} : { phoneDigest: phoneDigest(deps.phoneKey!, phone) };
  const where = queue === undefined ? [] : [queueCondition(queue, queueContext(deps))];
  let rows: CaseListRow[];
  try {
    const query = { ...filters, ...byPhone, ...(cursor === undefined ? {} : { after: decodeCursor(cursor) }), where };
    rows = deps.reader ? await deps.reader.listCases(query) : listCases(deps.readModels, query);
  } catch (error) {
    if (isMissingTable(error)) throw new ReadModelsUnavailableError('the read models are being set up or rebuilt; try again shortly');
    throw error;
  }
  const page = rows.slice(0, request.limit);
  const last = page.at(-1);
  const next =
    rows.length > request.limit && last
      ? encodeCursor({ rank: last.rank, receivedAt: last.received_at, caseType: last.case_type, caseId: last.case_id })
      : null;
  return { items: page.map(itemOf), next };
};

const pageSchema = z.object({
  items: z.array(
    z.object({
      type: z.string(),
      id: z.string(),
      number: z.string().nullable(),
      state: z.string(),
      unit: z.string().nullable(),
      category: z.string().nullable(),
      receivedAt: z.string().nullable(),
      assignee: z.string().nullable(),
      nextDeadline: z.string().nullable(),
    }),
  ),
  next: z.string().nullable(),
});
export { pageSchema as casePageSchema };

/** `GET /v1/cases`: search and list a property's records. */
export const caseListRoutes = (deps: CaseListDeps) => async (fastify: FastifyInstance) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/v1/cases',
    {
      config: { roles: readRoles },
      schema: {
        tags: ['records'],
        summary: "Search and list a property's records, newest first, a page at a time",
        description:
          'From the read models. `q` finds a record by its work-order number, its unit (or the start of it) or any substring of its description ' +
          '(Chinese included); a search lists the best matches first (number, unit, then description), newest first within each. ' +
          "`phone` finds an owner's or visitor's records by their full number, in any usual spelling. " +
          'Pages follow `next` (keyset: stable while records are added). 503 READ_MODELS_UNAVAILABLE without read models, ' +
          'READ_MODELS_FAILING (with Retry-After) while their writes fail.',
        querystring: caseListQuery,
        response: { 200: pageSchema },
      },
    },
    async (request) => {
      authorizeProperty(request.principal)(request.query.propertyId);
      return casePage(deps, request.query);
    },
  );
};
