import t from 'tap';
import { recordTypes } from '../../src/domain/records.js';
import { buildHarness } from './harness.js';

const h = await buildHarness();
t.teardown(h.close);

interface Field {
  name: string;
  label: { zh: string; en: string };
  kind: string;
  required: boolean;
  choices?: Array<{ id: string; label?: { zh: string } }>;
}
interface Action {
  name: string;
  label: { zh: string; en: string };
  roles: string[];
  creates: boolean;
  fields: Field[];
}
interface RecordMeta {
  type: string;
  segment: string;
  label: { zh: string };
  states: Array<{ id: string; label: { zh: string }; ended: boolean }>;
  actions: Action[];
  kpis: string[];
}

t.test("GET /v1/meta/records: every record type with its names, states and actions, and each action's form", async (t) => {
  const response = await h.inject('GET', '/v1/meta/records', { as: 'technician' });
  t.equal(response.statusCode, 200);
  const { records, fields } = response.json() as { records: RecordMeta[]; fields: Record<string, { zh: string }> };
  t.same(
    records.map((r) => r.type),
    recordTypes,
    'every type of the registry, in its order',
  );
  t.equal(fields.unit!.zh, '房号', "the fields' names for showing any event's data");
  const repair = records.find((r) => r.type === 'repair')!;
  t.match(repair, { segment: 'repairs', label: { zh: '报修' } });
  t.ok(repair.states.find((s) => s.id === 'closed')!.ended, 'an ended state says so');
  const dispatch = repair.actions.find((a) => a.name === 'dispatch')!;
  t.match(dispatch, { label: { zh: '派单', en: 'Dispatch' }, roles: ['dispatcher', 'admin'], creates: false });
  t.match(dispatch.fields, [{ name: 'technicianId', label: { zh: '维修人员' }, kind: 'text', required: true }]);
  t.notOk(
    repair.actions.some((a) => a.name === 'record-deadline-miss'),
    "the engine's own commands are not offered",
  );

  const complaint = records.find((r) => r.type === 'complaint')!;
  const receive = complaint.actions.find((a) => a.creates)!;
  const field = (name: string) => receive.fields.find((f) => f.name === name)!;
  t.match(field('owner.phone'), { label: { zh: '联系电话' }, required: true });
  t.match(field('channel'), { label: { zh: '来源' }, kind: 'choice' });
  t.ok(
    field('category').choices!.some((c) => c.id === 'noise' && c.label!.zh),
    'categories come from the rules, with their names',
  );
  t.match(complaint.actions.find((a) => a.name === 'callback')!.fields, [{ name: 'satisfaction', label: { zh: '满意度' }, kind: 'choice' }]);
  t.same(
    complaint.actions.find((a) => a.name === 'escalate')!.fields.map((f) => f.name),
    ['reason'],
    "a person escalates with a reason; the watcher's missed deadline is not a field of the form",
  );
  t.ok(complaint.kpis.includes('complaint.timely_handling'), 'the KPIs that count the type alone');
});

t.test("the page's session carries the same record types; without a token, 401", async (t) => {
  const session = await h.inject('GET', '/dashboard/session', { as: 'manager' });
  t.same(
    (session.json() as { records: RecordMeta[] }).records.map((r) => r.type),
    recordTypes,
  );
  t.equal((await h.inject('GET', '/v1/meta/records', { as: 'none' })).statusCode, 401);
});
