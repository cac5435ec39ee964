import { z } from 'zod';
import type { EventDraft } from '../case/command.js';

/**
 * A work-order number (工单号): the record type's prefix, the local date of receipt and that day's
 * sequence, e.g. `TS-20261203-0007`. The application mints it; the creating event records it, so
 * replay, audit and export show the same number for good.
 */
export const workOrderNumberSchema = z.string().regex(/^[A-Z]{2,4}-\d{8}-\d{4,9}$/, 'a work-order number, e.g. TS-20261203-0007');

export const isWorkOrderNumber = (value: string): boolean => workOrderNumberSchema.safeParse(value).success;

/** The number for the `sequence`-th record of a prefix on a local date (YYYY-MM-DD). */
export const formatWorkOrderNumber = (prefix: string, localDate: string, sequence: number): string =>
  `${prefix}-${localDate.replaceAll('-', '')}-${String(sequence).padStart(4, '0')}`;

/**
 * A number a historical import carries over from the old system (`WX2019-0312`, `TS-20240105-0002`):
 * the records keep the number people and paper files already know them by.
 */
export const importedNumberSchema = z.string().regex(/^[A-Za-z0-9-]{1,40}$/, 'a record number of the old system: 1 to 40 letters, digits or dashes');

/**
 * The number a creating event's schema adds to what was received: a minted one or an imported one
 * (which includes every minted one); optional, because events stored before numbers were minted
 * hold none, and stored events are never rewritten.
 */
export const numberField = { number: importedNumberSchema.optional() };

/** The creating event's draft with its number, when one was minted. */
export const withNumber = (draft: EventDraft, number: string | undefined): EventDraft =>
  number === undefined ? draft : { type: draft.type, data: { ...(draft.data as object), number } };

/** The number a creating event recorded; null for a record opened before numbers were minted. */
export const numberOf = (data: unknown): string | null => {
  const number = (data as { number?: unknown } | null)?.number;
  return typeof number === 'string' ? number : null;
};
