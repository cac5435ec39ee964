import type Database from 'better-sqlite3';
import type { FastifyRequest } from 'fastify';
import { casesByNumber } from '../../projections/cases/number-query.js';
import { EngineError } from '../../errors.js';

/** The read models are not kept by this server (or not yet set up): what they answer cannot be answered. */
export class ReadModelsUnavailableError extends EngineError {
  readonly code = 'READ_MODELS_UNAVAILABLE';
}

/** A work-order number found in more than one of the caller's properties. */
export class NumberAmbiguousError extends EngineError {
  readonly code = 'NUMBER_AMBIGUOUS';
}

/**
 * The id of the record a work-order number names, for the caller: the number is unique within a
 * property, so among the caller's properties it names one record, unless a token for several
 * properties finds it in more than one (then `propertyId` in the query says which). A number only
 * of properties the caller may not read is answered as an unknown number (404), as the record's id would be.
 */
export const numberLookup =
  (readModels: Database.Database | undefined) =>
  (request: FastifyRequest, caseType: string, number: string): string | undefined => {
    if (!readModels) throw new ReadModelsUnavailableError('this server keeps no read models; look the record up by its id');
    const wanted = (request.query as { propertyId?: string } | undefined)?.propertyId;
    const found = casesByNumber(readModels, caseType, number).filter((c) => wanted === undefined || c.propertyId === wanted);
    const principal = request.principal!;
    const visible = found.filter((c) => principal.properties === '*' || principal.properties.includes(c.propertyId));
    // A number only of properties the caller may not read is answered as an unknown one.
    if (visible.length === 0) return undefined;
    if (visible.length > 1) {
      const properties = visible.map((c) => c.propertyId);
      throw new NumberAmbiguousError(`${number} names a record in each of ${properties.join(', ')}: add ?propertyId=`, { properties });
    }
    return visible[0]!.caseId;
  };
