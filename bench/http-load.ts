/**
 * The requests of `npm run bench:http`: what a front desk sends, about 300 bytes of JSON with a
 * bearer token and no Idempotency-Key, driven by autocannon.
 */
import autocannon, { type Options, type Request, type Result } from 'autocannon';

export const complaint = {
  propertyId: 'demo',
  unit: '3-2-1201',
  category: 'noise',
  channel: 'phone',
  description: '楼上住户连续多日深夜装修，电钻和敲击噪音持续到凌晨一点，影响老人和孩子休息，业主多次来电要求制止',
  owner: { name: '测试业主', phone: '+86 138-0013-8000' },
};

export const repair = {
  propertyId: 'demo',
  location: '3-2-1201',
  category: 'plumbing',
  complexity: 'general',
  description: '厨房水槽下水管接口漏水，地面积水已渗到楼下住户天花板，业主请求今天下午尽快上门维修和检查',
  owner: { name: '测试业主', phone: '+86 138-0013-8000' },
};

const escalation = { reason: '业主再次来电催促，情绪激动，要求物业经理当面答复' };

export const bodySizes = () => ({
  complaint: Buffer.byteLength(JSON.stringify(complaint)),
  repair: Buffer.byteLength(JSON.stringify(repair)),
  escalation: Buffer.byteLength(JSON.stringify(escalation)),
});

const jsonHeaders = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

export interface Load {
  readonly url: string;
  readonly token: string;
  readonly connections: number;
}

const drive = (load: Load, seconds: number, requests: NonNullable<Options['requests']>) =>
  autocannon({ url: load.url, connections: load.connections, duration: seconds, requests });

/** The baseline: a complaint's body, validated and echoed. */
export const echo = (load: Load, seconds: number): Promise<Result> =>
  drive(load, seconds, [{ method: 'POST', path: '/bench/echo', headers: jsonHeaders(load.token), body: JSON.stringify(complaint) }]);

/** The floor: the same body, validated, appended as one event and fsynced, and answered. */
export const durableEcho = (load: Load, seconds: number): Promise<Result> =>
  drive(load, seconds, [{ method: 'POST', path: '/bench/echo-durable', headers: jsonHeaders(load.token), body: JSON.stringify(complaint) }]);

/** New cases: each connection alternates a complaint (受理) and a repair request (报修). */
export const newCases = (load: Load, seconds: number): Promise<Result> =>
  drive(load, seconds, [
    { method: 'POST', path: '/v1/complaints', headers: jsonHeaders(load.token), body: JSON.stringify(complaint) },
    { method: 'POST', path: '/v1/repairs', headers: jsonHeaders(load.token), body: JSON.stringify(repair) },
  ]);

/**
 * Actions on existing cases: escalations of the pre-created complaints, taken in turn, so that
 * consecutive requests hit different cases as a desk's day does. Escalating may be repeated, so
 * the cases never run out of valid actions however long the run.
 */
export const actions = (load: Load, seconds: number, complaintIds: readonly string[]): Promise<Result> => {
  let next = 0;
  return drive(load, seconds, [
    {
      method: 'POST',
      headers: jsonHeaders(load.token),
      body: JSON.stringify(escalation),
      setupRequest: (request) => ({ ...request, path: `/v1/complaints/${complaintIds[next++ % complaintIds.length]}/escalate` }),
    },
  ]);
};

const withdrawal = { reason: '业主来电说明问题已与邻居协商解决，撤回投诉' };
const cancellation = { reason: '业主已自行请人修好，取消报修' };
/** The id in a 201's body, kept in the connection's context for a later request of its cycle. */
const keepId = (name: string) => (status: number, body: string, context: Record<string, unknown>) => {
  context[name] = status === 201 ? (JSON.parse(body) as { id: string }).id : undefined;
};
/** The request to the case whose id the cycle kept, or none (autocannon then starts the cycle again) if its creation failed. */
const onKept = (name: string, path: (id: string) => string) => (request: Request, context: Record<string, unknown>) =>
  typeof context[name] === 'string' ? { ...request, path: path(context[name] as string) } : undefined;

/**
 * A desk's day at a steady number of open cases: each connection, in a cycle, records a complaint
 * and a repair request, escalates one of the complaints pre-created for it, and closes what it
 * recorded (the complaint withdrawn by the owner, the repair cancelled), so that the cases opened
 * and closed balance and the open count stays where it was, give or take the cycles under way.
 */
export const steadyMix = (load: Load, seconds: number, complaintIds: readonly string[]): Promise<Result> => {
  let next = 0;
  return drive(load, seconds, [
    { method: 'POST', path: '/v1/complaints', headers: jsonHeaders(load.token), body: JSON.stringify(complaint), onResponse: keepId('complaint') },
    { method: 'POST', path: '/v1/repairs', headers: jsonHeaders(load.token), body: JSON.stringify(repair), onResponse: keepId('repair') },
    {
      method: 'POST',
      headers: jsonHeaders(load.token),
      body: JSON.stringify(escalation),
      setupRequest: (request) => ({ ...request, path: `/v1/complaints/${complaintIds[next++ % complaintIds.length]}/escalate` }),
    },
    {
      method: 'POST',
      headers: jsonHeaders(load.token),
      body: JSON.stringify(withdrawal),
      setupRequest: onKept('complaint', (id) => `/v1/complaints/${id}/withdraw`),
    },
    {
      method: 'POST',
      headers: jsonHeaders(load.token),
      body: JSON.stringify(cancellation),
      setupRequest: onKept('repair', (id) => `/v1/repairs/${id}/cancel`),
    },
  ]);
};

/** Records `count` complaints through the API, `concurrency` at a time; resolves to their ids. */
export const precreateComplaints = async (load: Load, count: number, concurrency = 50): Promise<string[]> => {
  const ids: string[] = [];
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started += 1;
      const response = await fetch(`${load.url}/v1/complaints`, { method: 'POST', headers: jsonHeaders(load.token), body: JSON.stringify(complaint) });
      if (response.status !== 201) throw new Error(`pre-creating complaints: ${response.status} ${await response.text()}`);
      ids.push(((await response.json()) as { id: string }).id);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return ids;
};
