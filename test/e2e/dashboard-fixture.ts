/** The admin token the dashboard's browser test signs in with. */
export const ADMIN_TOKEN = 'e2e-dashboard-admin-0123456789abcdef';
/** Monday 2 March 2026, 09:00 in Shanghai. */
export const START = '2026-03-02T01:00:00Z';
/** Screenshots of the pages, for a person to look at. */
export const ARTIFACTS = new URL('../../artifacts/', import.meta.url).pathname;
export const WAIT = { timeout: 10_000 };
export const owner = { name: '测试业主', phone: '13800000000' };
export const visitor = { name: '来访业主', phone: '13900001111' };
/** The agreement's thirteen KPIs as the page names them in Chinese. */
export const kpiNames = {
  'complaint.timely_handling': '投诉处理及时率（2 小时内开始处理）',
  'complaint.resolution_rate': '投诉解决率',
  'complaint.resolution_timely': '投诉按时解决率（3 个工作日内）',
  'repair.response_timely': '维修响应及时率（30 分钟）',
  'repair.completion_timely': '维修按时完工率（一般 24 h / 复杂 72 h）',
  'callback.rate': '回访率',
  'satisfaction.rate': '业主满意度',
  'visit.reception_rate': '来访接待率',
  'fee.collection_rate': '物业费收缴率（按金额）',
  'activity.count': '社区活动（每月）',
  'activity.participation': '活动参与率（按户数）',
  'archive.accuracy': '业户档案准确率',
  'inspection.pass_rate': '规程抽检合格率',
};

/** A JSON call to the server as the admin. */
// biome-ignore lint/suspicious/noExplicitAny: a test reads whatever JSON the route answers.
export type AdminCall = <T = any>(method: string, path: string, body?: unknown) => Promise<T>;

/**
 * The agreement's further lines in March 2026 on property demo, one record or two of each: the
 * browser test reads their figures on the agreement page. Answers the ids the page links to.
 */
export const recordTheRestOfTheAgreement = async (call: AdminCall) => {
  const visit = (
    await call('POST', '/v1/visits', {
      propertyId: 'demo',
      unit: '2-1-501',
      category: 'renovation',
      description: '咨询装修手续',
      channel: 'walk_in',
      visitor,
    })
  ).id;
  await call('POST', `/v1/visits/${visit}/answer`, { answer: '已告知所需材料' });
  const bill = (unit: string) =>
    call<{ id: string }>('POST', '/v1/fees', { propertyId: 'demo', unit, period: '2026-03', amountFen: 100_000, dueDate: '2026-03-01' }).then((r) => r.id);
  const paid = await bill('2-1-501');
  await call('POST', `/v1/fees/${paid}/pay`, { amountFen: 100_000, method: 'wechat' });
  const owing = await bill('2-1-502');
  await call('POST', `/v1/fees/${owing}/pay`, { amountFen: 23_450, method: 'cash' });
  await call('POST', '/v1/activities', { propertyId: 'demo', title: '邻里节', heldOn: '2026-03-01', participants: 420 });
  await call('POST', '/v1/archive-checks', { propertyId: 'demo', unit: '2-1-501', correct: true });
  const wrong = (await call('POST', '/v1/archive-checks', { propertyId: 'demo', unit: '2-1-502', correct: false, wrongFields: ['面积'] })).id;
  await call('POST', '/v1/inspections', { propertyId: 'demo', procedure: '交接班记录', passed: true });
  return { visit, owing, wrong };
};
