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

t.test('isoOfNanos writes an instant as Temporal does, for any millisecond of years 0000-9999 and beyond', async (t) => {
  const MIN = -62_167_219_200_000;
  const MAX = 253_402_300_800_000;
  fc.assert(
    fc.property(
      fc.oneof(
        fc.integer({ min: MIN, max: MAX - 1 }),
        // Fractions of 1, 2 and 3 digits, and whole seconds, in a day of this century.
        fc.integer({ min: 0, max: 999 }).map((milli) => 1_765_090_800_000 + milli),
        fc.constantFrom(MIN, MIN - 1, MAX - 1, MAX, 0, -1),
      ),
      fc.constantFrom(0n, 0n, 0n, 1n, 999_999n),
      (ms, sub) => {
        const ns = BigInt(ms) * 1_000_000n + sub;
        return isoOfNanos(ns) === Temporal.Instant.fromEpochNanoseconds(ns).toString();
      },
    ),
    { numRuns: 3000 },
  );
  t.equal(isoOfNanos(1_765_090_800_050_000_000n), '2025-12-07T07:00:00.05Z', 'a fraction without its trailing zero');
});
