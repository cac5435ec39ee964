import { parseArgs } from 'node:util';
import { issueTokenFor, termInDays } from '../api/auth/person-tokens.js';
import { keepDataDirPrivate } from '../runtime/private-data-dir.js';
import { DEFAULT_TOKEN_DAYS, openTokenStore, type TokenInfo } from '../api/auth/tokens.js';
import { PersonNotFoundError } from '../app/staff-directory.js';
import { staffRoleSchema } from '../domain/staff/person.js';
import { EngineError } from '../errors.js';
import { accessDbOf, table, withDirectory } from './directory.js';

const usage = `usage: npm run token -- create --person <id> [--expires 90d]
       npm run token -- create --role <role> (--property <id> ... | --all-properties) [--label <text>] [--expires 90d]
       npm run token -- list [--json]
       npm run token -- revoke <token id>
roles: ${staffRoleSchema.options.join(', ')}
A token of a person has the person's role and properties, and acts as them. It expires after ${DEFAULT_TOKEN_DAYS} days unless --expires says otherwise.
The token is printed once; only its hash is stored in $DATA_DIR/access.db (default ./data).`;

const options = {
  person: { type: 'string' },
  role: { type: 'string' },
  property: { type: 'string', multiple: true },
  'all-properties': { type: 'boolean' },
  label: { type: 'string' },
  expires: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const bad = (message: string) => {
  console.error(`${message}\n${usage}`);
  return 2;
};

const show = (tokens: readonly TokenInfo[]) =>
  table([
    ['id', 'person', 'role', 'properties', 'created', 'last used', 'expires', 'revoked'],
    ...tokens.map((t) => [
      t.id,
      t.personId ?? `(${t.label})`,
      t.role,
      t.properties === '*' ? '*' : t.properties.join(','),
      t.createdAt,
      t.lastUsedAt ?? '-',
      t.expiresAt ?? 'never',
      t.revokedAt ?? '-',
    ]),
  ]);

/** access.db, in a data directory kept private (a first token may be issued before the server ever ran). */
const privateAccessDb = () => {
  keepDataDirPrivate(process.env.DATA_DIR || './data');
  return accessDbOf(process.env);
};

/** Issues, lists and revokes bearer tokens. Exit codes: 0 done, 1 refused (unknown or inactive person, unknown token), 2 bad arguments. */
const main = async (argv: string[]): Promise<number> => {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options });
  } catch (error) {
    return bad((error as Error).message);
  }
  const { positionals, values } = parsed;
  const [verb, id] = positionals;
  if (verb === 'list' || verb === 'revoke') {
    const tokens = openTokenStore(privateAccessDb());
    try {
      if (verb === 'list') {
        // Never a secret: only hashes are stored, and the list shows none of them.
        console.log(values.json ? JSON.stringify(tokens.list(), null, 2) : show(tokens.list()));
        return 0;
      }
      if (!id) return bad('name the token id to revoke');
      if (!tokens.get(id)) {
        console.error(`no token ${id}`);
        return 1;
      }
      tokens.revoke(id);
      console.error(`revoked token ${id}`);
      return 0;
    } finally {
      tokens.close();
    }
  }
  if (verb !== 'create') return bad('name a verb: create, list or revoke');
  const expiresInDays = values.expires === undefined ? undefined : termInDays(values.expires);
  if (values.expires !== undefined && expiresInDays === undefined) return bad(`--expires takes days or hours, e.g. 90d or 12h, not ${values.expires}`);
  const term = expiresInDays === undefined ? {} : { expiresInDays };
  if (values.person !== undefined) {
    if (values.role !== undefined || values.property !== undefined) return bad("a person's token has the person's role and properties: give --person alone");
    return withDirectory(async (staff, tokens) => {
      const person = staff.get(values.person!);
      if (!person) throw new PersonNotFoundError(values.person!);
      const { token, info } = issueTokenFor(tokens, person, expiresInDays);
      console.error(`created ${info.role} token ${info.id} for ${person.id} (${person.name}), expires ${info.expiresAt}`);
      console.log(token);
      return 0;
    });
  }
  // A token issued to no one (scripts, demos): its events name the token's id as the actor.
  const role = staffRoleSchema.safeParse(values.role);
  if (!role.success) return bad(`--role must be one of ${staffRoleSchema.options.join(', ')}`);
  const properties = values['all-properties'] ? '*' : (values.property ?? []);
  if (properties !== '*' && properties.length === 0) return bad('name at least one --property, or --all-properties');
  const tokens = openTokenStore(privateAccessDb());
  try {
    const { token, principal } = tokens.create({ role: role.data, properties, ...(values.label ? { label: values.label } : {}), ...term });
    console.error(`created ${principal.role} token ${principal.tokenId} for ${properties === '*' ? 'all properties' : properties.join(', ')}`);
    console.log(token);
    return 0;
  } finally {
    tokens.close();
  }
};

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error instanceof EngineError ? error.message : error);
    process.exitCode = error instanceof EngineError ? 1 : 3;
  },
);
