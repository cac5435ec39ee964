import { createHash } from 'node:crypto';
import { fieldLabels } from '../../domain/record/fields.js';
import { recordsMetaFor } from './record-meta.js';
import { SUPPORTED_ENCODINGS } from '../../audit/import/encoding.js';
import { IMPORT_SHAPES } from '../../audit/import/run.js';
import { IMPORT_BODY_LIMIT } from './audit-routes.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffDirectory } from '../../app/staff-directory.js';
import type { RulesetRegistry } from '../../ruleset/registry.js';
import { roles } from '../../domain/events/envelope.js';

/**
 * The live dashboard web page (docs/dashboard.md): web/*.js|css and the ESM builds of preact,
 * its hooks and htm from node_modules, served from memory with an import map — no CDN and no
 * build step. The page and its assets are open: they hold no data; every figure comes from
 * authenticated API calls made by the page with the bearer token the user signs in with.
 */

interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
  readonly cacheControl: string;
}

const types: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

/** The project's own files change with a deployment: revalidate each load (a 304 costs little). */
const APP_CACHE = 'no-cache';
/** Vendor builds change only with package.json; a day, then revalidated by ETag. */
const VENDOR_CACHE = 'public, max-age=86400';

const asset = (body: Buffer, type: string, cacheControl: string): Asset => ({
  body,
  type,
  cacheControl,
  etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
});

/** The directory holding web/index.html: walks up from this module (src/… when run, dist/src/… when built). */
const findWebDir = (): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'web');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('the dashboard page (web/index.html) was not found above the server module');
    dir = parent;
  }
};

/** The ESM builds the import map in web/index.html names: beside each package's CommonJS entry. */
const vendorFiles = (): Record<string, string> => {
  const require = createRequire(import.meta.url);
  const esm = (specifier: string) => {
    const file = require.resolve(specifier).replace(/\.js$/, '.mjs');
    if (!existsSync(file)) throw new Error(`the ESM build of ${specifier} is missing (${file})`);
    return file;
  };
  return { 'preact.mjs': esm('preact'), 'preact-hooks.mjs': esm('preact/hooks'), 'htm.mjs': esm('htm') };
};

/** Source-map comments point at files not shipped; dropped so browsers do not ask for them. */
const withoutSourceMap = (text: string) => text.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n');

/**
 * The inline import map is the page's only inline script: the Content-Security-Policy allows
 * it by its hash, and scripts otherwise only from this server.
 */
const contentSecurityPolicy = (html: string): string => {
  const scripts = [...html.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`,
  );
  return [
    "default-src 'none'",
    `script-src 'self' ${scripts.join(' ')}`,
    "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
};

const loadAssets = () => {
  const web = findWebDir();
  const page = readFileSync(join(web, 'index.html'));
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(web)) {
    const type = /^[a-z0-9-]+\.(js|css)$/.test(name) ? types[name.slice(name.lastIndexOf('.'))] : undefined;
    if (type) assets.set(name, asset(readFileSync(join(web, name)), type, APP_CACHE));
  }
  for (const [name, file] of Object.entries(vendorFiles())) {
    assets.set(`vendor/${name}`, asset(Buffer.from(withoutSourceMap(readFileSync(file, 'utf8'))), types['.mjs']!, VENDOR_CACHE));
  }
  return { page: asset(page, types['.html']!, APP_CACHE), csp: contentSecurityPolicy(page.toString('utf8')), assets };
};

const send = (request: FastifyRequest, reply: FastifyReply, file: Asset) => {
  reply.header('cache-control', file.cacheControl).header('etag', file.etag).header('x-content-type-options', 'nosniff');
  if (request.headers['if-none-match'] === file.etag) return reply.status(304).send();
  return reply.type(file.type).send(file.body);
};

/** Every staff role signs in to the page; each sees the views its role may read (web/roles.js). */
const dashboardRoles = roles.filter((role) => role !== 'system');

export const dashboardPageRoutes = (deps: { rulesets: RulesetRegistry; staff?: StaffDirectory }) => async (app: FastifyInstance) => {
  const { page, csp, assets } = loadAssets();
  const servePage = async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('content-security-policy', csp).header('referrer-policy', 'no-referrer').header('x-frame-options', 'DENY');
    return send(request, reply, page);
  };
  app.get('/dashboard', { schema: { hide: true } }, servePage);
  app.get('/dashboard/', { schema: { hide: true } }, servePage);
  app.get('/dashboard/assets/*', { schema: { hide: true } }, async (request, reply) => {
    const name = (request.params as { '*': string })['*'];
    const file = assets.get(name);
    if (!file) return reply.status(404).type('text/plain; charset=utf-8').send(`no asset ${name}`);
    return send(request, reply, file);
  });

  /**
   * What the signed-in page needs to label its figures: the caller's role, the properties it may
   * see (with their zone and unit numbering) and the category and department names in Chinese and English, and the record types (their names,
   * states, events and actions); for an administrator, the historical import's shapes and encodings.
   */
  app.get(
    '/dashboard/session',
    {
      config: { roles: dashboardRoles },
      schema: { tags: ['dashboard'], summary: "For the dashboard page: the caller's role, visible properties and the category names (zh/en)" },
    },
    async (request) => {
      const principal = request.principal!;
      const ruleset = deps.rulesets.current;
      const properties = ruleset.spec.properties
        .filter((p) => principal.properties === '*' || principal.properties.includes(p.id))
        .map((p) => {
          const property = ruleset.property(p.id)!;
          return {
            id: p.id,
            name: p.name,
            timeZone: property.timeZone,
            agreement: { id: property.agreementRules.id, name: property.agreementRules.name },
            // How its units are numbered: the desk's forms show the example and say it when a unit is refused.
            ...(p.units ? { units: p.units } : {}),
          };
        });
      // Who "me" is on the page (a technician's jobs): the person the token was issued to, named by the directory.
      const personId = principal.personId;
      if (personId !== undefined) await deps.staff?.catchUp();
      const person = personId === undefined ? null : { id: personId, name: deps.staff?.get(personId)?.name ?? personId };
      // The import page's choices, for the one role that imports: the route's shapes, the encodings it decodes, its largest file.
      const imports = principal.role === 'admin' ? { imports: { shapes: IMPORT_SHAPES, encodings: SUPPORTED_ENCODINGS, maxBytes: IMPORT_BODY_LIMIT } } : {};
      return {
        role: principal.role,
        person,
        properties,
        categories: ruleset.spec.categories,
        records: recordsMetaFor(ruleset),
        fields: fieldLabels,
        ...imports,
      };
    },
  );
};
