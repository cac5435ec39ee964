import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditInstant, replayCase } from '../../audit/case-replay.js';
import { Readable } from 'node:stream';
import { charsetOf, importEncoding, UnsupportedEncodingError } from '../../audit/import/encoding.js';
import type { ImportFormat } from '../../audit/import/format.js';
import { IMPORT_SHAPES } from '../../audit/import/run.js';
import { XLSX_TYPE } from '../../audit/import/xlsx.js';
import type { AuditDeps } from '../../audit/report-as-of.js';
import { logAnchorSchema } from '../../audit/anchor.js';
import { instantSchema } from '../../domain/events/envelope.js';
import { recordTypeSchema } from '../../domain/records.js';
import { authorizeProperty, coversProperty, requireAllProperties } from '../auth/plugin.js';
import { readBody } from '../heavy/body.js';
import type { ImportJob } from '../heavy/import-job.js';
import type { HeavyWork } from '../heavy/work.js';
import { answerWithProgress, wantsProgress } from './progress-stream.js';

const auditRoles = ['auditor', 'admin'] as const;
const period = z.string().regex(/^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$/, 'YYYY-MM, YYYY-Qn or YYYY');
const propertyId = z.string().min(1);
const reportQuery = z.strictObject({ propertyId, period, asOf: instantSchema.optional() });
const tags = ['audit'];

const importTypes: Record<string, ImportFormat> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/x-jsonlines': 'jsonl',
};

const formatOf = (type: string): { format?: ImportFormat } => (importTypes[type] ? { format: importTypes[type] } : {});
/** The import's route: its body, whatever its type, is left unread for the import's thread. */
const IMPORT_PATH = '/v1/admin/import';
/** The largest import file the route takes (its body limit); a larger one is for `npm run import` on the server's machine. */
export const IMPORT_BODY_LIMIT = 64 * 1024 * 1024;

/**
 * The auditor's routes: case replay as of an instant, the compliance report then and now,
 * what-if under another ruleset, back-dated entries, tamper evidence — all read-only, for
 * auditors and admins, scoped to the caller's properties — and the admin's historical import.
 */
export const auditRoutes = (deps: AuditDeps & { heavy: HeavyWork }) => async (fastify: FastifyInstance) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { heavy } = deps;
  // Import files arrive as bytes, left unread here: the import's thread reads them as they come and
  // decodes them in the charset they declare, row by row (docs/audit.md). A JSON array is one of them.
  for (const type of [...Object.keys(importTypes), XLSX_TYPE]) app.addContentTypeParser(type, (_request, body, done) => done(null, body));
  const json = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', (request, body, done) => {
    if (request.routeOptions.url === IMPORT_PATH) return done(null, body);
    readBody({ body, limit: request.routeOptions.bodyLimit }).then((bytes) => json(request, bytes.toString('utf8'), done), done);
  });

  app.get(
    '/v1/audit/cases/:caseType/:id',
    {
      config: { roles: auditRoles },
      schema: {
        tags,
        summary: 'A case exactly as it stood at an instant: state, SLA clocks with their explanation, and the timeline recorded up to then',
        params: z.strictObject({ caseType: recordTypeSchema, id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'a case id') }),
        querystring: z.strictObject({ asOf: instantSchema.optional() }),
      },
    },
    async (request) => {
      const { caseType, id } = request.params;
      return replayCase(deps, caseType, id, auditInstant(request.query.asOf, deps.clock.now()), (propertyId) => coversProperty(request.principal, propertyId));
    },
  );

  app.get(
    '/v1/audit/compliance',
    {
      config: { roles: auditRoles },
      schema: {
        tags,
        summary: 'The compliance report as it stood at asOf next to the report now, with the cases that explain each difference',
        description:
          '`imported` names the records of the period a migration imported after asOf (how many, first and last import): the report then leaves them out, ' +
          'as the engine did not hold them; with `judgeImportedByOccurrence=true` it counts their imported events by when they happened (docs/audit.md).',
        querystring: reportQuery.extend({ judgeImportedByOccurrence: z.enum(['true', 'false']).optional() }),
      },
    },
    async (request) => {
      authorizeProperty(request.principal)(request.query.propertyId);
      const { judgeImportedByOccurrence, ...query } = request.query;
      return heavy.run({ kind: 'auditCompliance', query: { ...query, judgeImportedByOccurrence: judgeImportedByOccurrence === 'true' } });
    },
  );

  app.post(
    '/v1/audit/what-if',
    {
      config: { roles: auditRoles },
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags,
        summary: 'The compliance report under an uploaded ruleset, computed without writing anything, against the actual one',
        description: '`rules.files` holds the parsed files of a rules directory by their relative name (e.g. `sla.yaml`, `calendars/cn-mainland.yaml`).',
        body: z.strictObject({
          propertyId,
          period,
          asOf: instantSchema.optional(),
          agreement: z
            .string()
            .min(1)
            .optional()
            .describe(
              'An agreement id of the uploaded rules to judge the period by, whatever its term; without it, each side by its agreement in force in the period',
            ),
          rules: z.strictObject({ files: z.record(z.string(), z.unknown()) }),
        }),
      },
    },
    async (request) => {
      const { rules, ...query } = request.body;
      authorizeProperty(request.principal)(query.propertyId);
      return heavy.run({ kind: 'whatIf', query, files: rules.files });
    },
  );

  app.get(
    '/v1/audit/backdating',
    {
      config: { roles: auditRoles },
      schema: {
        tags,
        summary: 'Events whose claimed time differs from the recorded one by more than a threshold, grouped by actor',
        querystring: z.strictObject({
          propertyId,
          thresholdMinutes: z.coerce.number().min(0).default(0),
          from: instantSchema.optional(),
          to: instantSchema.optional(),
        }),
      },
    },
    async (request) => {
      authorizeProperty(request.principal)(request.query.propertyId);
      const { from, to, ...rest } = request.query;
      return heavy.run({ kind: 'backdating', query: { ...rest, ...(from ? { from } : {}), ...(to ? { to } : {}) } });
    },
  );

  app.get(
    '/v1/audit/verify',
    {
      config: { roles: auditRoles },
      schema: { tags, summary: "Recomputes every case's hash chain and reports the first broken link per case", querystring: z.strictObject({ propertyId }) },
    },
    async (request) => {
      authorizeProperty(request.principal)(request.query.propertyId);
      return heavy.run({ kind: 'verify', propertyId: request.query.propertyId });
    },
  );

  app.get(
    '/v1/audit/anchor',
    {
      config: { roles: auditRoles },
      schema: {
        tags,
        summary: 'A digest of the whole event log up to its last event, to keep outside the store (docs/audit.md)',
        description: 'Roles auditor and admin, with a token for all properties.',
      },
    },
    async (request) => {
      requireAllProperties(request.principal, 'an anchor covers the whole log,');
      return heavy.run({ kind: 'anchor' });
    },
  );

  app.post(
    '/v1/audit/anchor/check',
    {
      config: { roles: auditRoles },
      schema: {
        tags,
        summary: 'Whether the log up to an anchor taken earlier is unchanged: findings head_missing, events_missing, events_inserted, content_changed',
        description: 'The body is an anchor as GET /v1/audit/anchor returned it. Roles auditor and admin, with a token for all properties.',
        body: logAnchorSchema,
      },
    },
    async (request) => {
      requireAllProperties(request.principal, 'an anchor covers the whole log,');
      return heavy.run({ kind: 'anchorCheck', anchor: request.body });
    },
  );

  app.post(
    '/v1/admin/import',
    {
      config: { roles: ['admin'] },
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags,
        summary:
          'Historical import: one row per event (docs/audit.md) or one row per record (format=summary, docs/migration.md); each record is imported whole or not at all',
        description:
          'Body: a JSON array of rows, JSON lines (application/x-ndjson) or CSV (text/csv) with a `fields` JSON column. ' +
          'CSV and JSON lines are UTF-8 unless the Content-Type declares a charset (e.g. `text/csv; charset=GB18030`); a row with bytes invalid in it is refused with its byte offset; an unsupported charset is a 415. ' +
          `An Excel workbook (${XLSX_TYPE}) is read from its first worksheet: first row the header, the CSV's columns; a date cell is a time without an offset. ` +
          "`timeZone` says how times without an offset are read: `property` (each record in its property's zone) or an IANA zone; without it they are refused. " +
          '`format=summary` reads one row per record (columns type, number, propertyId, unit, category, description, receivedAt and the optional steps and details) and expands each into the events of the steps it has times for. ' +
          'Columns the format does not know are left out with a warning, or refuse the import with `strict=true`. `dryRun=true` reports everything and writes nothing. ' +
          'Rejected rows are reported with row number, field (the column), value and reason; running the same import again writes nothing. ' +
          'With `Accept: text/event-stream` the import is answered as it goes, once its records begin: Server-Sent Events `progress` ({ records, of }) a few times a second, then `report` (the report) or `problem` (what stopped it, with its status); a refusal before its records begin is answered with its status as usual.',
        querystring: z.strictObject({
          dryRun: z.enum(['true', 'false']).optional(),
          timeZone: z.string().min(1).optional(),
          format: z.enum(IMPORT_SHAPES).optional().describe('events (default): one row per event; summary: one row per record'),
          strict: z.enum(['true', 'false']).optional().describe('true: a column the format does not know refuses the import'),
        }),
        body: z.union([z.array(z.unknown()), z.instanceof(Readable)]),
      },
    },
    async (request, reply) => {
      const contentType = request.headers['content-type'];
      const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
      const charset = charsetOf(contentType);
      const json = type === 'application/json';
      // A JSON body is UTF-8 (RFC 8259): it is read so; another declared charset is refused, not misread.
      if (json && charset && importEncoding(charset) !== 'utf-8') {
        throw new UnsupportedEncodingError(
          charset,
          `a JSON array is UTF-8 (RFC 8259), not ${charset}: send rows in another encoding as text/csv or application/x-ndjson`,
        );
      }
      const { tokenId, label, role, properties, personId } = request.principal!;
      const job: ImportJob = {
        kind: 'import',
        ...(json ? { format: 'json' as const } : type === XLSX_TYPE ? { xlsx: true } : formatOf(type)),
        shape: request.query.format ?? 'events',
        strict: request.query.strict === 'true',
        ...(charset ? { charset } : {}),
        dryRun: request.query.dryRun === 'true',
        ...(request.query.timeZone ? { timeZone: request.query.timeZone } : {}),
        caller: { tokenId, label, role, properties, ...(personId === undefined ? {} : { personId }) },
      };
      const input = { body: request.body as Readable, limit: request.routeOptions.bodyLimit };
      if (!wantsProgress(request)) return heavy.run(job, input);
      return answerWithProgress(request, reply, (onProgress) => heavy.run(job, input, { onProgress }));
    },
  );
};
