import t from 'tap';
import type { Test } from 'tap';
import type { Role } from '../../src/domain/events/envelope.js';
import { buildHarness, staffRoles } from './harness.js';
import { HOME, OTHER, routeScopes, scopeFixture, type AboutRecord, type ScopedRequest } from './property-scope-table.js';
import { propertyInputs, routeKey, routesRegisteredBy } from './registered-routes.js';

/**
 * Every route that takes a property, walked with a token of each role it lets in, but of another
 * property. The routes come from the app itself, so a route added later is walked too, or fails
 * the walk until property-scope-table.ts says how to call it.
 */
const { built: h, routes } = await routesRegisteredBy(() => buildHarness());
t.teardown(h.close);
const fixture = await scopeFixture(h);
const scopes = await routeScopes(fixture);

const otherTokens = new Map<Role, string>();
/** A token of `role` for OTHER only. */
const otherToken = (role: Role) => {
  let token = otherTokens.get(role);
  if (token === undefined) {
    token = h.tokens.store.create({ role, properties: [OTHER], label: `${role} of ${OTHER}` }).token;
    otherTokens.set(role, token);
  }
  return token;
};
const asOther = (role: Role, request: ScopedRequest) =>
  h.inject(request.method, request.url, { body: request.body, headers: { authorization: `Bearer ${otherToken(role)}` } });

/** The roles a route lets in: the role check passes, so what answers is the property check. */
const staffOf = (roles: readonly Role[]) => roles.filter((role): role is (typeof staffRoles)[number] => (staffRoles as readonly Role[]).includes(role));

t.test('the walk covers every route: each route with roles has a scope, and no open route takes a property', async (t) => {
  const keys = new Set(routes.map(routeKey));
  for (const named of ['GET /v1/audit/compliance', 'GET /v1/audit/backdating', 'POST /v1/audit/what-if', 'GET /v1/complaints/:id']) {
    t.ok(keys.has(named), `the registered routes include ${named}`);
  }
  for (const route of routes) {
    const key = routeKey(route);
    const inputs = propertyInputs(route);
    const scope = scopes.get(key);
    if (route.roles === undefined) {
      t.same(inputs, [], `${key} is open to anyone, so it must take no property`);
    } else if (scope === undefined) {
      t.fail(
        inputs.length > 0
          ? `${key} takes a property (${inputs.join(', ')}) but property-scope-table.ts cannot build a request for it`
          : `${key} has roles but property-scope-table.ts does not say how it is scoped by property`,
      );
    } else if (scope.kind !== 'property') {
      t.same(inputs, [], `${key} is scoped ${scope.kind} but its request names a property`);
    }
  }
  for (const key of scopes.keys()) t.ok(keys.has(key), `${key} in the table is a registered route`);
});

/** 403 FORBIDDEN naming HOME, and nothing written. */
const refusedForbidden = async (t: Test, role: Role, request: ScopedRequest) => {
  const before = await h.eventCount();
  const response = await asOther(role, request);
  t.equal(
    response.statusCode,
    403,
    `${role} of ${OTHER}: ${request.method} ${request.url}${response.statusCode === 403 ? '' : ` → ${response.body.slice(0, 300)}`}`,
  );
  t.match(response.json(), { code: 'FORBIDDEN', propertyId: HOME }, 'refused for the property, not the role');
  t.equal(await h.eventCount(), before, 'nothing written');
};

/**
 * Another property's record answered exactly as a missing one: the same status and body (but for
 * the name the request gave), and nothing written.
 */
const answeredAsMissing = async (t: Test, role: Role, request: AboutRecord) => {
  const before = await h.eventCount();
  const response = await asOther(role, request);
  const missing = await asOther(role, request.missing);
  const label = `${role} of ${OTHER}: ${request.method} ${request.url}`;
  t.equal(response.statusCode, missing.statusCode, `${label}: ${response.statusCode}, as for a missing record`);
  t.equal(response.statusCode, 404, `${label}: 404${response.statusCode === 404 ? '' : ` → ${response.body.slice(0, 300)}`}`);
  t.equal(response.body, missing.body.replaceAll(request.missing.names, request.names), `${label}: the body a missing record gets`);
  t.equal(await h.eventCount(), before, 'nothing written');
};

/** The import answers for each row: every row of HOME rejected FORBIDDEN, nothing written. */
const rowsRejected = async (t: Test, role: Role, request: ScopedRequest) => {
  const before = await h.eventCount();
  const response = await asOther(role, request);
  t.equal(response.statusCode, 200, `${role} of ${OTHER}: ${request.method} ${request.url}`);
  const rows = (request.body as unknown[]).length;
  t.match(response.json(), { eventsWritten: 0, cases: { imported: 0, rejected: rows }, rejected: Array.from({ length: rows }, () => ({ code: 'FORBIDDEN' })) });
  t.equal(await h.eventCount(), before, 'nothing written');
};

for (const route of routes) {
  const key = routeKey(route);
  const scope = scopes.get(key);
  if (route.roles === undefined || scope === undefined || scope.kind === 'no-property') continue;
  const roles = staffOf(route.roles);

  t.test(
    `${key}: ${scope.kind === 'property' ? `a token of another property is refused (${scope.refusal})` : scope.kind === 'all-properties' ? 'a token of one property is refused' : "lists the caller's properties only"}`,
    async (t) => {
      t.not(roles.length, 0, 'some role may call it');
      for (const role of roles) {
        for (const request of scope.requests) {
          if (scope.kind === 'property') {
            if (scope.refusal === 'as-missing') await answeredAsMissing(t, role, request as AboutRecord);
            else await (scope.refusal === 'forbidden' ? refusedForbidden : rowsRejected)(t, role, request);
          } else if (scope.kind === 'all-properties') {
            const response = await asOther(role, request);
            t.equal(response.statusCode, 403, `${role} of ${OTHER}: ${request.method} ${request.url}`);
            t.match(response.json(), { code: 'FORBIDDEN', detail: /every property/, properties: [OTHER] });
          } else {
            const response = await asOther(role, request);
            t.equal(response.statusCode, 200, `${role} of ${OTHER}: ${request.method} ${request.url}`);
            t.same(
              response.json<{ properties: Array<{ id: string }> }>().properties.map((p) => p.id),
              [OTHER],
              `${HOME} is not listed`,
            );
          }
        }
      }
    },
  );
}
