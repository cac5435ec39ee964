/**
 * How the log tests look for an owner's data: a name as it is written; digits (a phone number, or
 * the last four of one behind a mask) only as a number of their own, since a timing, a timestamp
 * or a request id may hold the same digits inside a longer run of digits and letters.
 */
export const ownerData = (...secrets: readonly string[]): RegExp =>
  new RegExp(
    secrets.map((secret) => (/^\d+$/.test(secret) ? `(?<![0-9A-Za-z])${secret}(?![0-9A-Za-z])` : secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('|'),
  );
