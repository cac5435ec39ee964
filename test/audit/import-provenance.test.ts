import t from 'tap';
import { buildHarness, owner } from '../api/harness.js';

const receive = {
  caseRef: 'OLD-1',
  caseType: 'complaint',
  action: 'receive',
  occurredAt: '2026-02-10T01:00:00Z',
  actor: 'zhang.san',
  role: 'frontdesk',
  fields: { propertyId: 'demo', unit: '1-1-101', category: 'noise', description: '历史投诉', channel: 'phone', owner },
};

t.test('an imported event records who imported it beside the actor its row claims', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const report = (await h.inject('POST', '/v1/admin/import', { as: 'adminAll', body: [receive] })).json();
  t.match(report, { cases: { imported: 1 } });
  const id = report.caseList[0].caseId;
  const [event] = (await h.inject('GET', `/v1/complaints/${id}/events`, { as: 'auditor' })).json().events;
  t.match(event.metadata, { imported: true, actor: { id: 'zhang.san', role: 'frontdesk' } });
  const adminId = /^wk_([a-z0-9]+)_/.exec(h.tokens.secrets.adminAll)![1];
  t.same(event.metadata.importedBy, { id: adminId, role: 'admin' }, 'the importing token (issued to no person: its id)');
  const verify = (await h.inject('GET', '/v1/audit/verify?propertyId=demo', { as: 'auditor' })).json();
  t.match(verify, { streamsChecked: 1, intact: true, broken: [] }, 'and the chain verifies with it');
});
