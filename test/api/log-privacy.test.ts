import t from 'tap';
import { withoutPersonalData } from '../../src/api/log-privacy.js';
import { capturedLogger } from './harness.js';

const owner = { name: '王秀英', phone: '+86 139-8765-4321' };

t.test('an object without personal data is passed on as it is', async (t) => {
  const line = { method: 'POST', url: '/v1/complaints', status: 201, nested: { a: [1, 2, { b: 'c' }] } };
  t.equal(withoutPersonalData(line), line, 'the same object, not a copy');
});

t.test('personal keys are censored down to three levels, in copies', async (t) => {
  const line = { owner, case: { owner, id: 'c-1' }, command: { payload: { visitor: owner, note: 'ok' } }, phone: '139', list: [{ phone: '139' }] };
  const safe = withoutPersonalData(line);
  t.same(safe, {
    owner: '[redacted]',
    case: { owner: '[redacted]', id: 'c-1' },
    command: { payload: { visitor: '[redacted]', note: 'ok' } },
    phone: '[redacted]',
    list: [{ phone: '[redacted]' }],
  });
  t.same(line.case.owner, owner, 'the logged object itself is not changed');
  t.equal((safe as typeof line).command.payload.note, 'ok');
  t.same(withoutPersonalData({ req: { headers: { authorization: 'Bearer wk_x_y', host: 'h' } } }), {
    req: { headers: { authorization: '[redacted]', host: 'h' } },
  });
});

t.test('an error carrying personal data keeps its message and stack, without the data', async (t) => {
  class DetailedError extends Error {
    constructor(
      message: string,
      readonly details: object,
    ) {
      super(message);
    }
  }
  const err = new DetailedError('refused', { owner, field: 'owner.phone' });
  const safe = withoutPersonalData({ err }) as { err: DetailedError };
  t.not(safe.err, err);
  t.ok(safe.err instanceof DetailedError);
  t.equal(safe.err.message, 'refused');
  t.equal(safe.err.stack, err.stack);
  t.same(safe.err.details, { owner: '[redacted]', field: 'owner.phone' });

  const { logger, lines } = capturedLogger('info');
  logger.error({ err }, 'failed');
  logger
    .child({ owner, case: { visitor: owner } })
    .child({ phone: owner.phone })
    .info({ details: { visitor: owner } }, 'child');
  const log = lines.join('');
  t.notOk(log.includes(owner.phone) || log.includes(owner.name), 'neither the name nor the phone is written');
  const [errorLine, childLine] = lines.map((l) => JSON.parse(l));
  t.match(errorLine.err, { type: 'DetailedError', message: 'refused', details: { owner: '[redacted]', field: 'owner.phone' } });
  t.match(childLine, { owner: '[redacted]', case: { visitor: '[redacted]' }, phone: '[redacted]', details: { visitor: '[redacted]' } });
});
