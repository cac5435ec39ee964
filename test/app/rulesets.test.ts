import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { openRulesetRegistry } from '../../src/ruleset/registry.js';
import { createMemoryEventStore } from '../../src/store/memory.js';
import { loadRuleset } from '../../src/ruleset/load.js';

const RULES = new URL('../../rules', import.meta.url).pathname;

t.test('every ruleset the engine ran under stays retrievable from the store', async (t) => {
  const store = createMemoryEventStore();
  const first = await loadRuleset(RULES);
  await openRulesetRegistry(store, first);
  await openRulesetRegistry(store, first);
  t.equal((await store.readAll()).length, 1, 'publishing the same ruleset again writes nothing');

  const dir = t.testdir();
  await cp(RULES, dir, { recursive: true });
  await writeFile(join(dir, 'intake.yaml'), 'backdatingAllowanceMinutes: 45\nfutureToleranceSeconds: 60\n');
  const second = await loadRuleset(dir);
  t.not(second.version, first.version, 'a changed rule is a new version');
  const registry = await openRulesetRegistry(store, second);
  t.equal(registry.current.version, second.version);

  const older = await openRulesetRegistry(createMemoryEventStore(), second);
  await t.rejects(older.get(first.version), /never published/);
  const rebuilt = await registry.get(first.version);
  t.equal(rebuilt.version, first.version, 'the old version is rebuilt byte for byte from the store');
  t.equal(rebuilt.intake.backdatingAllowanceMinutes, 30);
  await store.close();
});
