import { z } from 'zod';
import type { AnyCommandSpec } from '../../domain/case/command.js';
import { fieldLabels } from '../../domain/record/fields.js';
import type { Label } from '../../domain/record/descriptor.js';
import { categoriesOf } from '../../domain/ruleset/categories.js';
import type { Ruleset } from '../../domain/ruleset/ruleset.js';

/** One field of an action's form, as a page renders it. */
export interface FormField {
  /** Its path in the payload: `unit`, `owner.phone`. */
  readonly name: string;
  readonly label: Label;
  readonly kind: 'text' | 'number' | 'boolean' | 'choice' | 'date' | 'month' | 'list';
  readonly required: boolean;
  readonly maxLength?: number;
  /** The values a choice takes: from the rules (categories, departments) with their names, or the schema's own. */
  readonly choices?: ReadonlyArray<{ readonly id: string; readonly label?: Label }>;
}

interface JsonSchema {
  readonly type?: string;
  readonly enum?: readonly string[];
  readonly format?: string;
  readonly pattern?: string;
  readonly maxLength?: number;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  /** Set by the engine, never entered (the watcher's `missed` on an escalation). */
  readonly system?: boolean;
}

const kindOf = (schema: JsonSchema): FormField['kind'] => {
  if (schema.enum) return 'choice';
  if (schema.type === 'integer' || schema.type === 'number') return 'number';
  if (schema.type === 'boolean') return 'boolean';
  if (schema.type === 'array') return 'list';
  if (schema.format === 'date') return 'date';
  if (schema.pattern?.includes('\\d{4}-\\d{2}$') || schema.pattern === '^\\d{4}-(0[1-9]|1[0-2])$') return 'month';
  return 'text';
};

/** Choices the rules give a field of a record type: its categories, the departments. */
const ruleChoices = (name: string, caseType: string, ruleset: Ruleset): FormField['choices'] => {
  const named = (list: ReadonlyArray<{ id: string; zh: string; en: string }>) => list.map((c) => ({ id: c.id, label: { zh: c.zh, en: c.en } }));
  if (name === 'category') return named(categoriesOf(ruleset.spec, caseType));
  if (name === 'department') return named(ruleset.spec.categories.departments);
  if (name === 'propertyId') return ruleset.spec.properties.map((p) => ({ id: p.id, label: { zh: p.name, en: p.name } }));
  return undefined;
};

/**
 * The form of a command, from the JSON Schema of the zod schema the API validates its body with:
 * each field with its name, kind, whether it is required and its choices (the rules' for
 * categories and departments, else the schema's own values).
 */
export const formOf = (command: Pick<AnyCommandSpec<unknown>, 'payload'>, caseType: string, ruleset: Ruleset): FormField[] => {
  const fields: FormField[] = [];
  const walk = (schema: JsonSchema, prefix: string, required: boolean) => {
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      const name = `${prefix}${key}`;
      const isRequired = required && (schema.required ?? []).includes(key);
      if (property.system) continue;
      if (property.type === 'object' && property.properties) {
        walk(property, `${name}.`, isRequired);
        continue;
      }
      const choices = ruleChoices(name, caseType, ruleset) ?? property.enum?.map((id) => ({ id }));
      fields.push({
        name,
        label: fieldLabels[name] ?? { zh: name, en: name },
        kind: choices ? 'choice' : kindOf(property),
        required: isRequired,
        ...(property.maxLength === undefined ? {} : { maxLength: property.maxLength }),
        ...(choices ? { choices } : {}),
      });
    }
  };
  walk(z.toJSONSchema(command.payload, { io: 'input', unrepresentable: 'any' }) as JsonSchema, '', true);
  return fields;
};
