import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { fieldLabels } from '../../domain/record/fields.js';
import { records } from '../../domain/records.js';
import type { Ruleset } from '../../domain/ruleset/ruleset.js';
import type { RulesetRegistry } from '../../ruleset/registry.js';
import { readRoles } from './case-command.js';
import { formOf } from './record-form.js';

/**
 * What a client needs to know of each record type to show and act on its records: its names,
 * its states and events with their labels, and each action people may take with who may take it
 * and the form its payload needs: its fields with their names, kinds and choices (the rules'
 * categories and departments), and the JSON Schema of the same zod schema the API validates with.
 * The page learns the record types from it and keeps no copy of them.
 */
export const recordsMeta = (ruleset: Ruleset) =>
  Object.values(records).map((record) => ({
    type: record.type,
    segment: record.segment,
    label: record.labels.record,
    states: record.lifecycle.states.map((id) => ({
      id,
      label: (record.labels.states as Record<string, { zh: string; en: string }>)[id]!,
      ended: record.endedStates.includes(id),
    })),
    events: Object.keys(record.events.schemas).map((type) => ({ type, label: record.labels.events[type]! })),
    actions: record.lifecycle.commands
      .filter((command) => command.roles.some((role) => role !== 'system'))
      .map((command) => ({
        name: command.name,
        label: record.labels.actions[command.name]!,
        summary: command.summary,
        creates: command.creates === true,
        roles: command.roles,
        fields: formOf(command, record.type, ruleset),
        schema: z.toJSONSchema(command.payload, { io: 'input', unrepresentable: 'any' }),
      })),
    kpis: Object.keys(record.kpi.definitions),
    /** Called back and rated: the KPIs across types (callback.rate, satisfaction.rate) count it. */
    callbacks: record.kpi.callbacks === true,
  }));

/** Computed once per ruleset: the record types do not change while the server runs, the rules' choices with the ruleset. */
const cached = new WeakMap<Ruleset, ReturnType<typeof recordsMeta>>();
export const recordsMetaFor = (ruleset: Ruleset) => {
  let meta = cached.get(ruleset);
  if (!meta) cached.set(ruleset, (meta = recordsMeta(ruleset)));
  return meta;
};

export const recordMetaRoutes = (deps: { rulesets: RulesetRegistry }) => async (app: FastifyInstance) => {
  app.get(
    '/v1/meta/records',
    {
      config: { roles: readRoles },
      schema: { tags: ['meta'], summary: 'Each record type: its names, states, events and actions with their forms (zh/en)' },
    },
    async () => ({ records: recordsMetaFor(deps.rulesets.current), fields: fieldLabels }),
  );
};
