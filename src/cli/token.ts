import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openTokenStore } from '../api/auth/tokens.js';
import { roleSchema } from '../domain/events/envelope.js';

/** Roles a person holds; `system` is the engine's own (the deadline watcher), never a token's. */
const staffRole = roleSchema.exclude(['system']);

const usage = `usage: npm run token -- create --role <role> (--property <id> ... | --all-properties) [--label <text>]
roles: ${staffRole.options.join(', ')}
The token is printed once; only its hash is stored in $DATA_DIR/access.db (default ./data).`;

/** Prints a new scoped bearer token. Exit codes: 0 created, 2 bad arguments. */
const main = (argv: string[]): number => {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        role: { type: 'string' },
        property: { type: 'string', multiple: true },
        'all-properties': { type: 'boolean' },
        label: { type: 'string' },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  const { positionals, values } = parsed;
  if (positionals[0] !== 'create') {
    console.error(usage);
    return 2;
  }
  const role = staffRole.safeParse(values.role);
  if (!role.success) {
    console.error(`--role must be one of ${staffRole.options.join(', ')}\n${usage}`);
    return 2;
  }
  const properties = values['all-properties'] ? '*' : (values.property ?? []);
  if (properties !== '*' && properties.length === 0) {
    console.error(`name at least one --property, or --all-properties\n${usage}`);
    return 2;
  }
  const tokens = openTokenStore(join(process.env.DATA_DIR || './data', 'access.db'));
  try {
    const { token, principal } = tokens.create({ role: role.data, properties, ...(values.label ? { label: values.label } : {}) });
    console.error(`created ${principal.role} token ${principal.tokenId} for ${properties === '*' ? 'all properties' : properties.join(', ')}`);
    console.log(token);
    return 0;
  } finally {
    tokens.close();
  }
};

process.exitCode = main(process.argv.slice(2));
