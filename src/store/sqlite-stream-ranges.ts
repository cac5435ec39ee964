// readAll's filter in the SQLite store: a filter naming a few streams by prefix reads them through the streams' name index.
import type { SubscriptionFilter } from './port.js';
import type { EventStatements } from './sqlite-schema.js';

/** A filter naming no more streams than this is read through the streams' index; one naming more, by reading the log. */
const FEW_STREAMS = 1_000;

/** The name range [from, to) of the streams a prefix names: every name starting with it sorts there. */
const rangeOf = (prefix: string): [string, string] => [prefix, prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)];

/** The name ranges of the streams `filter` names by prefix, when they hold few streams; undefined when more, or a filter by type only. */
export const fewStreamRanges = (sql: EventStatements, filter: SubscriptionFilter): Array<[string, string]> | undefined => {
  const prefixes = filter.streamPrefixes;
  if (prefixes === undefined || prefixes.includes('')) return undefined;
  const ranges = prefixes.map(rangeOf);
  let streams = 0;
  for (const [from, to] of ranges) {
    streams += sql.streamsBetween.all(from, to, FEW_STREAMS + 1 - streams).length;
    if (streams > FEW_STREAMS) return undefined;
  }
  return ranges;
};
