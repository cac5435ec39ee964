import { isSealed } from './personal.js';

/**
 * A phone number as people type it, reduced to one spelling so that `138 0000 0000`,
 * `138-0000-0000`, `+86 13800000000` and `8613800000000` are the same mainland mobile. A number
 * is only ever compared in this form (by its keyed digest in the read model), never shown.
 */
const SEPARATORS = /[\s\-().]/g;
/** Mainland China's country code, as dialled (+86, 0086) or typed bare (86), before an 11-digit mobile. */
const MAINLAND_MOBILE = /^(?:\+86|0086|86)?(1\d{10})$/;

/** The number's one spelling: a mainland mobile as its 11 digits; any other number its digits, with a leading + kept. */
export const normalisePhone = (typed: string): string => {
  const compact = typed.replace(SEPARATORS, '');
  const mobile = MAINLAND_MOBILE.exec(compact);
  return mobile ? mobile[1]! : compact;
};

/** Reads `<contact>.phone` from a creating event's data: the owner's or visitor's phone, when it holds one. */
export const phoneOf =
  (contact: string) =>
  (created: unknown): string | null => {
    const holder = (created as Record<string, unknown> | null)?.[contact] as { phone?: unknown } | undefined;
    // Still sealed (read without the keys) or erased: no number to find the record by.
    return typeof holder?.phone === 'string' && !isSealed(holder.phone) ? holder.phone : null;
  };
