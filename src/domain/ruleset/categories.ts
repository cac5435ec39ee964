import type { Categories } from './schema.js';

/** The categories categories.yaml lists for a record type; none for a type it lists none for. */
export const categoriesOf = (spec: { readonly categories: Categories }, caseType: string): Categories['departments'] => {
  if (caseType === 'departments' || !Object.hasOwn(spec.categories, caseType)) return [];
  return (spec.categories as Readonly<Record<string, Categories['departments']>>)[caseType]!;
};
