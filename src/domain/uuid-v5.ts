import { hash } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';

const SURROGATE = /[\uD800-\uDFFF]/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VARIANT_DIGITS = ['8', '9', 'a', 'b'];
/** The bytes of each namespace used: a handful, fixed in the code. */
const namespaceBytes = new Map<string, Buffer>();

/**
 * UUIDv5 (RFC 9562: SHA-1 of namespace and name, version and variant bits set) hashed in one
 * pass, equal to the uuid package's; every command, and every imported row, computes some. A name
 * with surrogates goes to the package, which refuses a lone one where UTF-8 encoding would replace
 * it, as does a namespace that is not a UUID.
 */
export const uuidV5 = (name: string, namespace: string): string => {
  let prefix = namespaceBytes.get(namespace);
  if (prefix === undefined) {
    if (!UUID.test(namespace)) return uuidv5(name, namespace);
    prefix = Buffer.from(namespace.replaceAll('-', ''), 'hex');
    namespaceBytes.set(namespace, prefix);
  }
  if (SURROGATE.test(name)) return uuidv5(name, namespace);
  const input = Buffer.allocUnsafe(prefix.length + Buffer.byteLength(name));
  prefix.copy(input);
  input.write(name, prefix.length, 'utf8');
  // As hex: Node hands a digest back as a string faster than as a Buffer (docs/performance.md).
  const hex = hash('sha1', input, 'hex');
  // The version (5) is the 13th digit; the variant (binary 10) the top bits of the 17th.
  const variant = VARIANT_DIGITS[Number.parseInt(hex[16]!, 16) & 0x3]!;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};
