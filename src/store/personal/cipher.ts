import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';

/**
 * AES-256-GCM from node:crypto, the one cipher of personal data: a random 96-bit IV per message,
 * the 128-bit tag after the ciphertext, and associated data binding a ciphertext to its place (a
 * data key to its id, a field to its key and path), so that one cannot be moved into another.
 */
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

/**
 * Random bytes drawn ahead for IVs, cut 12 at a time, each piece handed out once: a draw from the
 * CSPRNG per message costs a call into OpenSSL each, and an import seals two fields per record.
 */
const IV_POOL = Buffer.allocUnsafeSlow(IV_BYTES * 341);
let ivTaken = IV_POOL.length;

/** A fresh random IV, valid until the next call (the pool is refilled in place): copy it before then. */
const nextIv = (): Buffer => {
  if (ivTaken === IV_POOL.length) {
    randomFillSync(IV_POOL);
    ivTaken = 0;
  }
  const iv = IV_POOL.subarray(ivTaken, ivTaken + IV_BYTES);
  ivTaken += IV_BYTES;
  return iv;
};

/** IV, ciphertext and tag, in one buffer. */
export const encrypt = (key: Buffer, plain: Buffer, associated: string): Buffer => {
  const iv = nextIv();
  const cipher = createCipheriv(ALGORITHM, key, iv);
  cipher.setAAD(Buffer.from(associated, 'utf8'));
  // In this order: the tag is known once the cipher is final. The IV is copied here, before any other draw.
  return Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
};

/** The plaintext; throws when the key, the associated data or a byte of the message is not what sealed it. */
export const decrypt = (key: Buffer, sealed: Buffer, associated: string): Buffer => {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error('the sealed value is too short to be AES-GCM');
  const decipher = createDecipheriv(ALGORITHM, key, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(associated, 'utf8'));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
};
