import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { complianceCsv, type ComplianceService } from '../../app/compliance.js';
import { instantSchema } from '../../domain/events/envelope.js';
import type { Clock } from '../../runtime/clock.js';
import { authorizeProperty } from '../auth/plugin.js';
import type { HeavyWork } from '../heavy/work.js';

const query = z.strictObject({
  propertyId: z.string().min(1),
  period: z.string().regex(/^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$/, 'YYYY-MM, YYYY-Qn or YYYY'),
  asOf: instantSchema.optional(),
});

/**
 * The report now reads the read model; as of an earlier instant it folds the log, a heavy job
 * (run off the request thread when the server has threads for it).
 */
export const complianceRoutes = (compliance: ComplianceService, heavy: HeavyWork, clock: Clock) => async (fastify: FastifyInstance) => {
  fastify.withTypeProvider<ZodTypeProvider>().get(
    '/v1/compliance',
    {
      config: { roles: ['manager', 'auditor', 'admin'] },
      schema: {
        tags: ['compliance'],
        summary: 'The agreement compliance report of a property for a month, quarter or year, now or as of an instant',
        description:
          'KPI ids and definitions as in docs/domain.md and docs/kpis.md. Send `Accept: text/csv` for a CSV export of the same figures, which also names the failing records by their work-order numbers.',
        querystring: query,
      },
    },
    async (request, reply) => {
      authorizeProperty(request.principal)(request.query.propertyId);
      const { asOf } = request.query;
      const earlier = asOf !== undefined && Date.parse(asOf) < clock.now().epochMilliseconds;
      const report = earlier ? await heavy.run({ kind: 'complianceAsOf', query: request.query }) : await compliance.report(request.query);
      if (request.headers.accept?.includes('text/csv')) {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="compliance-${report.propertyId}-${report.period}.csv"`)
          .send(complianceCsv(report, compliance.numbersOf(report)));
      }
      return report;
    },
  );
};
