import { z } from 'zod';
import { numberField } from '../record/number.js';
import { text } from '../events/shared.js';

/** What the quality department records of a spot check; its event adds the work-order number the application minted (record/number.ts). */
export const spotCheck = z
  .strictObject({
    propertyId: text(100),
    procedure: text(200),
    passed: z.boolean(),
    findings: text(4000).optional(),
  })
  .refine((d) => d.passed || d.findings !== undefined, { message: 'a failed spot check states its findings', path: ['findings'] });

/**
 * Procedure spot-check events (工作操作规程抽检), recorded by the quality department: one check of
 * one procedure, passed or failed with findings, and the rectification of a failed one.
 */
export const inspectionEventSchemas = {
  InspectionRecorded: spotCheck.safeExtend(numberField),
  InspectionRectified: z.strictObject({ note: text(2000) }),
} as const;

export type InspectionEventType = keyof typeof inspectionEventSchemas;
export type InspectionEventData<T extends InspectionEventType> = z.infer<(typeof inspectionEventSchemas)[T]>;
