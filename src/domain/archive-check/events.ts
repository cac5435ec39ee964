import { z } from 'zod';
import { numberField } from '../record/number.js';
import { optionalNote, text } from '../events/shared.js';

/** What the desk records of a check; its event adds the work-order number the application minted (record/number.ts). */
export const archiveCheck = z
  .strictObject({
    propertyId: text(100),
    unit: text(100),
    correct: z.boolean(),
    /** The fields found wrong: required when the record is not correct, absent when it is. */
    wrongFields: z.array(text(100)).max(50).optional(),
    note: optionalNote,
  })
  .refine((d) => (d.correct ? d.wrongFields === undefined || d.wrongFields.length === 0 : (d.wrongFields?.length ?? 0) > 0), {
    message: 'an incorrect record names its wrong fields (wrongFields); a correct one names none',
    path: ['wrongFields'],
  });

/**
 * Owner-archive check events (业户档案核查): one owner record checked against the facts, correct
 * or not (naming the fields found wrong), and its later correction. The check's result stands:
 * a corrected record was still wrong when checked.
 */
export const archiveCheckEventSchemas = {
  ArchiveChecked: archiveCheck.safeExtend(numberField),
  ArchiveCorrected: z.strictObject({ note: text(2000) }),
} as const;

export type ArchiveCheckEventType = keyof typeof archiveCheckEventSchemas;
export type ArchiveCheckEventData<T extends ArchiveCheckEventType> = z.infer<(typeof archiveCheckEventSchemas)[T]>;
