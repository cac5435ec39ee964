import { z } from 'zod';
import { numberField } from '../record/number.js';
import { optionalNote, text } from '../events/shared.js';

/**
 * An amount of money in fen (分), the smallest unit of the yuan: a positive integer, never a
 * float, so that sums and shares are exact. The bound keeps every sum a safe integer.
 */
export const fenSchema = z
  .number({ error: 'an amount in fen: a whole number (1 yuan = 100 fen)' })
  .int('an amount in fen: a whole number, no fractions of a fen (1 yuan = 100 fen)')
  .positive('an amount in fen must be greater than 0')
  .max(100_000_000_000, 'an amount in fen of at most 100,000,000,000 (one billion yuan)');

/** A billing period: one month, `YYYY-MM`. */
export const billingPeriodSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a billing month, e.g. 2026-09');

export const paymentMethods = ['cash', 'card', 'transfer', 'wechat', 'alipay', 'other'] as const;

/** What finance records of a bill; its event adds the work-order number the application minted (record/number.ts). */
export const feeBill = z.strictObject({
  propertyId: text(100),
  unit: text(100),
  period: billingPeriodSchema,
  amountFen: fenSchema,
  /** The last day to pay, a local date: before it has passed an unpaid bill is not yet in arrears. */
  dueDate: z.iso.date(),
  note: optionalNote,
});

/** Fee ledger events (物业费台账): one ledger per unit and billing month. */
export const feeEventSchemas = {
  FeeBilled: feeBill.safeExtend(numberField),
  FeePaid: z.strictObject({ amountFen: fenSchema, method: z.enum(paymentMethods), receipt: text(100).optional() }),
  FeeWaived: z.strictObject({ amountFen: fenSchema, reason: text(2000) }),
  FeeRefunded: z.strictObject({ amountFen: fenSchema, reason: text(2000) }),
} as const;

export type FeeEventType = keyof typeof feeEventSchemas;
export type FeeEventData<T extends FeeEventType> = z.infer<(typeof feeEventSchemas)[T]>;
