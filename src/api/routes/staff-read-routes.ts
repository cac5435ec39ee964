import type Database from 'better-sqlite3';
import type { ReadModelHealth } from '../../app/read-model-health.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { StaffDirectory } from '../../app/staff-directory.js';
import type { Role } from '../../domain/events/envelope.js';
import { staffRoleSchema, worksFor } from '../../domain/staff/person.js';
import { isMissingTable } from '../../projections/dashboard-queries.js';
import { openJobsByTechnician } from '../../projections/cases/open-jobs.js';
import { authorizeProperty } from '../auth/plugin.js';

/**
 * Who reads a property's staff: those who hand work to people (dispatchers, and the front desk and
 * managers who stand in for them), and administrators. Technicians, finance, inspectors and
 * auditors hand out no work, and read the people they need on the records themselves.
 */
export const staffReadRoles: readonly Role[] = ['dispatcher', 'frontdesk', 'manager', 'admin'];

const staffQuery = z.strictObject({
  propertyId: z.string().trim().min(1).max(100),
  role: staffRoleSchema.optional().describe('Only people of this role, e.g. technician'),
});

const staffAnswer = z.object({
  propertyId: z.string(),
  people: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      role: z.string(),
      department: z.string(),
      skills: z.array(z.string()),
      openJobs: z.number().int().nullable().describe('Open repairs assigned to them now; null when the server keeps no read models'),
    }),
  ),
});

/**
 * `GET /v1/staff`: the active people who work for a property, with their open load — what a
 * dispatcher chooses a technician from. Their phones are left out: the page dispatching needs none,
 * and a colleague's number is theirs to give.
 */
export const staffReadRoutes =
  (deps: {
    staff: StaffDirectory;
    readModels?: Database.Database | undefined;
    /** While the read models fail, open loads are not told (null), as without read models: the list itself comes from the log. */
    readModel?: Pick<ReadModelHealth, 'failing'> | undefined;
  }) =>
  async (fastify: FastifyInstance) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/v1/staff',
      {
        config: { roles: staffReadRoles },
        schema: {
          tags: ['staff'],
          summary: "A property's active staff with their open load, to dispatch to",
          description: 'For dispatchers, the front desk, managers and admins. No phone numbers. openJobs counts open repairs from the cases read model.',
          querystring: staffQuery,
          response: { 200: staffAnswer },
        },
      },
      async (request) => {
        const { propertyId, role } = request.query;
        authorizeProperty(request.principal)(propertyId);
        await deps.staff.catchUp();
        let load: Map<string, number> | null = null;
        try {
          load = deps.readModels && !deps.readModel?.failing() ? openJobsByTechnician(deps.readModels, propertyId) : null;
        } catch (error) {
          if (!isMissingTable(error)) throw error;
        }
        const people = deps.staff
          .list()
          .filter((p) => p.active && worksFor(p, propertyId) && (role === undefined || p.role === role))
          .map((p) => ({
            id: p.id,
            name: p.name,
            role: p.role,
            department: p.department,
            skills: p.skills ?? [],
            openJobs: load ? (load.get(p.id) ?? 0) : null,
          }));
        return { propertyId, people };
      },
    );
  };
