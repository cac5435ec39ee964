import { Ajv2020 } from 'ajv/dist/2020.js';
import { z } from 'zod';
import { eventMetadataSchema, type EventMetadata } from '../domain/events/envelope.js';

/**
 * The metadata schema compiled to a validator: every read of a stored event checks its metadata,
 * and a rebuild reads a million of them. zod's parse builds a copy of each; the compiled check of
 * the same schema, converted by zod itself, only reads it (docs/performance.md). zod remains
 * the one definition, and gives the error of a metadata that fails. Both count a string's length
 * in code points; patterns run without the `u` flag, as zod runs them.
 */
const check = new Ajv2020({ strict: true, allErrors: false, validateFormats: false, unicodeRegExp: false }).compile(
  z.toJSONSchema(eventMetadataSchema, { io: 'input', unrepresentable: 'throw' }),
);

/** The metadata of a stored event, checked; the object itself, as it is already a reader's own copy. */
export const storedMetadata = (metadata: unknown): EventMetadata => (check(metadata) ? (metadata as EventMetadata) : eventMetadataSchema.parse(metadata));
