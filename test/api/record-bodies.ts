import type { Caller, Harness } from './harness.js';

/** The record types beside complaints and repairs, by their collection in the API. */
export type RecordType = 'visit' | 'fee' | 'activity' | 'archive_check' | 'inspection';
export const recordCollection: Record<RecordType, string> = {
  visit: 'visits',
  fee: 'fees',
  activity: 'activities',
  archive_check: 'archive-checks',
  inspection: 'inspections',
};
/** Every record type, in the order the tests walk them. */
export const recordTypes = ['visit', 'fee', 'activity', 'archive_check', 'inspection'] as const satisfies readonly RecordType[];

/** Personal data of a visitor: must never reach a log. */
export const visitor = { name: '李秀兰测试', phone: '+86 137-2468-1357' };

let units = 0;
/** A unit no other test has used: a fee ledger is one per unit and month. */
export const freshUnit = () => `9-${++units}-0101`;

/** A body that creates each record type on property `demo`, at the harness clock (Monday 2 March 2026). */
export const recordBody: Record<RecordType, (overrides?: Record<string, unknown>) => Record<string, unknown>> = {
  visit: (o = {}) => ({ propertyId: 'demo', unit: '3-2-1201', category: 'inquiry', description: '咨询车位租赁手续', channel: 'walk_in', visitor, ...o }),
  fee: (o = {}) => ({ propertyId: 'demo', unit: freshUnit(), period: '2026-03', amountFen: 35_000, dueDate: '2026-03-31', ...o }),
  activity: (o = {}) => ({ propertyId: 'demo', title: '社区义诊', heldOn: '2026-03-01', participants: 180, ...o }),
  archive_check: (o = {}) => ({ propertyId: 'demo', unit: '3-2-1201', correct: false, wrongFields: ['phone'], ...o }),
  inspection: (o = {}) => ({ propertyId: 'demo', procedure: '保洁作业规程', passed: false, findings: '楼道未按时清扫', ...o }),
};

/** The body each action needs on the happy path of a fresh record from recordBody. */
export const recordActionBodies: Record<RecordType, Record<string, Record<string, unknown>>> = {
  visit: { answer: { answer: '已告知办理流程' }, refer: { department: 'finance' }, close: {} },
  fee: {
    pay: { amountFen: 10_000, method: 'wechat', receipt: 'R-0001' },
    waive: { amountFen: 5_000, reason: '困难户减免' },
    refund: { amountFen: 2_000, reason: '重复缴费' },
  },
  activity: { 'correct-participation': { participants: 200, reason: '补登签到表' } },
  archive_check: { correct: { note: '已更正联系电话' } },
  inspection: { rectify: { note: '已重新培训保洁员' } },
};

/** Records one as the caller (default admin of demo) and returns its id. */
export const createRecord = async (h: Harness, type: RecordType, overrides: Record<string, unknown> = {}, as: Caller = 'admin') => {
  const response = await h.inject('POST', `/v1/${recordCollection[type]}`, { as, body: recordBody[type](overrides) });
  if (response.statusCode !== 201) throw new Error(`create ${type}: ${response.statusCode} ${response.body}`);
  return response.json<{ id: string }>().id;
};

/** Applies actions in order as admin of demo, failing loudly on the first refusal. */
export const driveRecord = async (h: Harness, type: RecordType, id: string, actions: readonly string[]) => {
  for (const action of actions) {
    const response = await h.inject('POST', `/v1/${recordCollection[type]}/${id}/${action}`, { as: 'admin', body: recordActionBodies[type][action] });
    if (response.statusCode !== 200) throw new Error(`${action}: ${response.statusCode} ${response.body}`);
  }
};

/** Number of events in one record's stream. */
export const eventsOf = async (h: Harness, type: RecordType, id: string) =>
  (await h.inject('GET', `/v1/${recordCollection[type]}/${id}/events`, { as: 'admin' })).json<{ events: unknown[] }>().events.length;
