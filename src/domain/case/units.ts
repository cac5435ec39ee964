import type { Ruleset } from '../ruleset/ruleset.js';
import { unitRegex } from '../ruleset/schema.js';
import type { CommandContext } from './command.js';
import { InvalidCommandError } from './errors.js';

/**
 * A unit (房号) typed at the desk must be one of the property's, as its rules number them
 * (`properties.yaml` `units`): "3-2-1201", not "3-21201" or "3—2—1201", so that the unit's
 * records, fees and search find each other. An import records the old system's units as they were;
 * a property without numbering rules takes any unit.
 */
export const checkUnit = (unit: string, propertyId: string, ruleset: Ruleset, context: CommandContext, field = 'unit'): void => {
  const units = ruleset.property(propertyId)?.units;
  if (context.imported || !units || unitRegex(units.pattern).test(unit)) return;
  throw new InvalidCommandError(field, `"${unit}" is not a unit of property ${propertyId}: its units are numbered like ${units.example}`);
};
