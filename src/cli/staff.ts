import { parseArgs } from 'node:util';
import { personFieldsSchema, personIdSchema, staffRoleSchema, type Person } from '../domain/staff/person.js';
import { EngineError } from '../errors.js';
import { table, withDirectory } from './directory.js';
import { operator } from './operator.js';

const usage = `usage: npm run staff -- add <id> --name <name> --role <role> --department <dept> (--property <id> ... | --all-properties) [--phone <phone>] [--skill <category> ...]
       npm run staff -- list [--json]
       npm run staff -- deactivate <id> [--reason <text>]
roles: ${staffRoleSchema.options.join(', ')}
Each change is an event of the person's stream (person-<id>) in the event store; deactivating a person revokes their tokens.`;

const options = {
  name: { type: 'string' },
  role: { type: 'string' },
  department: { type: 'string' },
  property: { type: 'string', multiple: true },
  'all-properties': { type: 'boolean' },
  phone: { type: 'string' },
  skill: { type: 'string', multiple: true },
  reason: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const bad = (message: string) => {
  console.error(`${message}\n${usage}`);
  return 2;
};

const show = (people: readonly Person[]) =>
  table([
    ['id', 'name', 'role', 'department', 'properties', 'skills', 'active'],
    ...people.map((p) => [
      p.id,
      p.name,
      p.role,
      p.department,
      p.properties === '*' ? '*' : p.properties.join(','),
      (p.skills ?? []).join(','),
      p.active ? 'yes' : 'no',
    ]),
  ]);

/** The staff directory at the console. Exit codes: 0 done, 1 refused (unknown person, already there), 2 bad arguments. */
const main = async (argv: string[]): Promise<number> => {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options });
  } catch (error) {
    return bad((error as Error).message);
  }
  const { positionals, values } = parsed;
  const [verb, id] = positionals;
  if (verb === 'list') {
    return withDirectory(async (staff) => {
      console.log(values.json ? JSON.stringify(staff.list(), null, 2) : show(staff.list()));
      return 0;
    });
  }
  if ((verb !== 'add' && verb !== 'deactivate') || !personIdSchema.safeParse(id).success)
    return bad(id ? `not a person id: ${id}` : 'name a verb and a person id');
  if (verb === 'deactivate') {
    return withDirectory(async (staff, tokens) => {
      const person = await staff.deactivate(id!, operator(), values.reason);
      console.error(`deactivated ${person.id} (${person.name}); ${tokens.revokePerson(person.id)} token(s) revoked`);
      return 0;
    });
  }
  const fields = personFieldsSchema.safeParse({
    name: values.name,
    role: values.role,
    department: values.department,
    properties: values['all-properties'] ? '*' : values.property,
    ...(values.phone ? { phone: values.phone } : {}),
    ...(values.skill ? { skills: values.skill } : {}),
  });
  if (!fields.success) return bad(fields.error.issues.map((i) => `--${i.path[0] === 'properties' ? 'property' : String(i.path[0])}: ${i.message}`).join('\n'));
  return withDirectory(async (staff) => {
    const person = await staff.add(id!, fields.data, operator());
    console.error(`added ${person.id} (${person.name}), ${person.role} of ${person.properties === '*' ? 'all properties' : person.properties.join(', ')}`);
    return 0;
  });
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
