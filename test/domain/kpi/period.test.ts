import t from 'tap';
import { parsePeriod } from '../../../src/domain/kpi/period.js';

t.same(parsePeriod('2026-02'), { id: '2026-02', from: '2026-02-01', to: '2026-02-28' });
t.same(parsePeriod('2028-02'), { id: '2028-02', from: '2028-02-01', to: '2028-02-29' }, 'leap year');
t.same(parsePeriod('2026-Q4'), { id: '2026-Q4', from: '2026-10-01', to: '2026-12-31' });
t.same(parsePeriod('2026'), { id: '2026', from: '2026-01-01', to: '2026-12-31' });
for (const bad of ['2026-13', '2026-Q5', '26', '2026-1', 'March']) {
  t.throws(() => parsePeriod(bad), { code: 'PERIOD_INVALID', details: { field: 'period' } }, bad);
}
