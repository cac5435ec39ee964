/**
 * A historical import as an administrator sends it to the server: complaints worked through to
 * their close, seven event rows each, as JSON lines, in requests of many cases one after another
 * (POST /v1/admin/import); and how far the read models are behind it. Shared by the benchmarks that
 * import through the server.
 */
const owner = { name: '测试业主', phone: '13800000000' };
const steps: Array<[string, string, Record<string, unknown>]> = [
  ['receive', 'frontdesk', { propertyId: 'demo', unit: '1-1-101', category: 'noise', description: '楼上深夜装修噪音，多次沟通无果', channel: 'phone', owner }],
  ['acknowledge', 'frontdesk', {}],
  ['assign', 'dispatcher', { department: 'engineering' }],
  ['resolve', 'frontdesk', { resolution: '已协调施工方调整时间' }],
  ['notify-owner', 'frontdesk', {}],
  ['callback', 'frontdesk', { satisfaction: 'satisfied' }],
  ['close', 'frontdesk', {}],
];
const IMPORT_START = Date.parse('2025-01-01T01:00:00Z');

/** One case's rows as JSON lines: a complaint worked through to its close, in the year before. */
const caseRows = (prefix: string, index: number): string[] => {
  const received = IMPORT_START + index * 900_000;
  return steps.map(([action, role, fields], step) =>
    JSON.stringify({
      caseRef: `${prefix}-${index}`,
      caseType: 'complaint',
      action,
      occurredAt: new Date(received + step * 1_200_000).toISOString(),
      actor: `staff-${index % 17}`,
      role,
      fields,
    }),
  );
};

/**
 * Imports `cases` complaints (their references `${prefix}-N`) through the server, `perRequest` cases
 * a request, one request after the other; resolves with the events written. A refused request or
 * row fails it: a benchmark measures imports that succeed.
 */
export const importComplaints = async (url: string, adminToken: string, options: { prefix: string; cases: number; perRequest: number }): Promise<number> => {
  let written = 0;
  for (let first = 0; first < options.cases; first += options.perRequest) {
    const lines: string[] = [];
    for (let index = first; index < Math.min(options.cases, first + options.perRequest); index++) lines.push(...caseRows(options.prefix, index));
    const response = await fetch(`${url}/v1/admin/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/x-ndjson' },
      body: lines.join('\n'),
    });
    const report = (await response.json()) as { eventsWritten?: number; rejected?: unknown[] };
    if (!response.ok || report.rejected?.length) throw new Error(`import: ${response.status} ${JSON.stringify(report).slice(0, 500)}`);
    written += report.eventsWritten ?? 0;
  }
  return written;
};

/** Events the server's projections have still to apply (GET /metrics, read with the admin token). */
export const projectionLag = async (url: string, adminToken: string): Promise<number> => {
  const body = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${adminToken}` } })).text();
  return body
    .split('\n')
    .filter((line) => line.startsWith('wuye_projection_lag_events{'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
};
