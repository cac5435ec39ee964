import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { erasePersonalData, type ErasureTarget } from '../app/erasure.js';
import { readConfig } from '../config.js';
import { recordTypeSchema } from '../domain/records.js';
import { systemClock } from '../runtime/clock.js';
import { clockHeldToLog } from '../runtime/log-clock.js';
import { keepDataDirPrivate } from '../runtime/private-data-dir.js';
import { eventStoreFromConfig } from '../store/from-config.js';
import { openPersonalData } from '../store/personal/from-config.js';
import { masterKeyOf } from '../store/personal/master-key.js';
import { operator } from './operator.js';

const usage = `usage: npm run erase -- --phone <phone>
       npm run erase -- --record <type>/<id>
       npm run keys -- rotate --new-key-file <path>
erase: destroys the data keys of a person's records (every record whose owner or visitor has that phone,
  or one record): their names and phones read as erased, with who erased them and when; the records,
  timelines, hash chains and KPIs stay. Recorded as a PersonalDataErased event. Cannot be undone.
rotate: wraps every data key in keys.db with a new master key (written to <path> when it does not exist,
  64 hex digits). Stop the server first; start it again with MASTER_KEY_FILE=<path> (docs/security.md).
record types: ${recordTypeSchema.options.join(', ')}`;

export interface CommandOutput {
  log(line: string): void;
  error(line: string): void;
}

const options = { phone: { type: 'string' }, record: { type: 'string' }, 'new-key-file': { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

const targetOf = (values: { phone?: string | undefined; record?: string | undefined }): ErasureTarget => {
  if ((values.phone === undefined) === (values.record === undefined)) throw new Error('name either --phone or --record');
  if (values.phone !== undefined) return { phone: values.phone };
  const [type, ...id] = values.record!.split('/');
  const caseType = recordTypeSchema.safeParse(type);
  if (!caseType.success || id.join('/') === '') throw new Error(`--record is <type>/<id>, e.g. complaint/0199…; type: ${recordTypeSchema.options.join(', ')}`);
  return { caseType: caseType.data, caseId: id.join('/') };
};

/** A new master key's file: made (0600, random) when it does not exist, else read. */
const newMasterKey = (path: string) => {
  if (!existsSync(path)) {
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, `${randomBytes(32).toString('hex')}\n`);
    } finally {
      closeSync(fd);
    }
  }
  return masterKeyOf(readFileSync(path, 'utf8'), path);
};

/** Exit codes: 0 done, 1 failed, 2 bad arguments or configuration. */
export const personalDataCommand = async (argv: string[], env: NodeJS.ProcessEnv, out: CommandOutput): Promise<number> => {
  let command: string | undefined;
  let values: ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];
  let config;
  try {
    const parsed = parseArgs({ args: argv, options, allowPositionals: true });
    [command] = parsed.positionals;
    values = parsed.values;
    if (values.help || (command !== 'erase' && command !== 'rotate')) throw new Error(values.help ? '' : 'name a command: erase or rotate');
    config = readConfig(env);
  } catch (error) {
    out.error(`${(error as Error).message}\n${usage}`.trim());
    return 2;
  }
  keepDataDirPrivate(config.DATA_DIR);
  let personalData;
  try {
    personalData = openPersonalData(config);
  } catch (error) {
    out.error(`cannot open the keys of personal data: ${(error as Error).message}`);
    return 1;
  }
  try {
    if (command === 'rotate') {
      if (values['new-key-file'] === undefined) throw new Error('rotate needs --new-key-file <path>');
      const path = resolve(values['new-key-file']);
      const next = newMasterKey(path);
      const rewrapped = personalData.keys.rewrap(next);
      out.log(`rewrapped ${rewrapped} data keys from master key ${personalData.master.id} to ${next.id}`);
      out.log(`start the server with MASTER_KEY_FILE=${path} (and MASTER_KEY unset); then destroy the old key (${personalData.master.source})`);
      return 0;
    }
    const target = targetOf(values);
    const { store: log } = eventStoreFromConfig(config);
    const store = personalData.open(log);
    try {
      const clock = clockHeldToLog(systemClock, await store.lastRecordedAt?.());
      const result = await erasePersonalData({ store, clock }, target, operator());
      if (result.records.length === 0) out.log('no record holds that person: nothing erased');
      for (const r of result.records)
        out.log(`  ${r.caseType} ${r.caseId} (${r.propertyId})${r.sealed ? '' : ': stored before sealing, its fields cannot be erased'}`);
      out.log(
        `erased ${result.records.length} record(s), ${result.keysDestroyed} key(s) destroyed, by ${result.erasedBy.id} at ${result.erasedAt} (erasure ${result.erasureId})`,
      );
      return 0;
    } finally {
      await store.close();
    }
  } catch (error) {
    out.error(`${command} failed: ${(error as Error).message}`);
    return 1;
  } finally {
    personalData.keys.close();
  }
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await personalDataCommand(process.argv.slice(2), process.env, { log: console.log, error: console.error });
}
