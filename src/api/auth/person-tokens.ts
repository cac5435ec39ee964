import type { Person } from '../../domain/staff/person.js';
import { EngineError } from '../../errors.js';
import type { TokenStore } from './tokens.js';

export const PERSON_INACTIVE = 'PERSON_INACTIVE' as const;
export class PersonInactiveError extends EngineError {
  readonly code = PERSON_INACTIVE;
  constructor(readonly personId: string) {
    super(`person ${personId} is deactivated: no token is issued to them`, { personId });
  }
}

export const TOKEN_NOT_FOUND = 'TOKEN_NOT_FOUND' as const;
export class TokenNotFoundError extends EngineError {
  readonly code = TOKEN_NOT_FOUND;
  constructor(readonly tokenId: string) {
    super(`no token ${tokenId}`, { tokenId });
  }
}

/** A token for a person of the directory: its role and properties are the person's. */
export const issueTokenFor = (tokens: TokenStore, person: Person, expiresInDays?: number) => {
  if (!person.active) throw new PersonInactiveError(person.id);
  return tokens.create({
    role: person.role,
    properties: person.properties,
    personId: person.id,
    label: person.name,
    ...(expiresInDays === undefined ? {} : { expiresInDays }),
  });
};

/** `90d`, `12h` or a number of days: a token's term in days. */
export const termInDays = (text: string): number | undefined => {
  const match = /^(\d{1,5})(d|h)?$/.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const days = match[2] === 'h' ? value / 24 : value;
  return days > 0 ? days : undefined;
};
