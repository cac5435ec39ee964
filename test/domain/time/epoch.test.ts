import fc from 'fast-check';
import t from 'tap';
import { Temporal } from 'temporal-polyfill';
import { epochMillis, epochNanos, isoOfNanos } from '../../../src/domain/time/index.js';

/** Temporal's answer or its error's class: what the fast reading must give. */
const outcome = <T>(f: () => T): T | unknown => {
  try {
    return f();
  } catch (error) {
    return error instanceof Error ? error.constructor : error;
  }
};

const two = (n: number) => String(n).padStart(2, '0');

/** Instants as files write them: with Z or an offset, valid or not quite (month 13, 31 April, 24:00, offset +24:00). */
const written = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 24 }),
    minute: fc.integer({ min: 0, max: 60 }),
    second: fc.option(fc.integer({ min: 0, max: 60 })),
    fraction: fc.option(fc.stringMatching(/^\d{1,9}$/)),
    ending: fc.oneof(
      fc.constant('Z'),
      fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 24 }), fc.integer({ min: 0, max: 60 })).map(([s, h, m]) => `${s}${two(h)}:${two(m)}`),
    ),
  })
  .map(({ year, month, day, hour, minute, second, fraction, ending }) => {
    const seconds = second === null ? '' : `:${two(second)}${fraction === null ? '' : `.${fraction}`}`;
    return `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}${seconds}${ending}`;
  });

t.test('epochNanos and epochMillis read an instant with Z or an offset exactly as Temporal does, refusals included', async (t) => {
  fc.assert(
    fc.property(written, (iso) => {
      t.same(
        outcome(() => epochNanos(iso)),
        outcome(() => Temporal.Instant.from(iso).epochNanoseconds),
        iso,
      );
      t.same(
        outcome(() => epochMillis(iso)),
        outcome(() => Temporal.Instant.from(iso).epochMilliseconds),
        iso,
      );
    }),
    { numRuns: 5000 },
  );
  t.equal(epochNanos('2019-01-01T08:00:00+08:00'), BigInt(Date.UTC(2019, 0, 1)) * 1_000_000n);
  t.equal(epochNanos('2019-01-01T08:00-05:30'), BigInt(Date.UTC(2019, 0, 1, 13, 30)) * 1_000_000n);
  t.equal(isoOfNanos(epochNanos('2019-01-01T08:00:00.120+08:00')), '2019-01-01T00:00:00.12Z');
});
