import { randomBytes } from 'node:crypto';
import t from 'tap';
import { decrypt, encrypt, KEY_BYTES } from '../../../src/store/personal/cipher.js';

const IV_BYTES = 12;

t.test('every message takes an IV of its own, across refills of the drawn IVs, and opens as written', async (t) => {
  const key = randomBytes(KEY_BYTES);
  const plain = Buffer.from('13512345678', 'utf8');
  // More messages than one draw of IVs holds (341), so that the pool is refilled several times.
  const sealed = Array.from({ length: 1500 }, (_, i) => encrypt(key, plain, `key:owner.phone#${i}`));
  const ivs = new Set(sealed.map((s) => s.toString('hex', 0, IV_BYTES)));
  t.equal(ivs.size, sealed.length, 'no IV is used twice');
  t.notOk(ivs.has('00'.repeat(IV_BYTES)), 'no IV left undrawn');
  t.ok(
    sealed.every((s, i) => decrypt(key, s, `key:owner.phone#${i}`).equals(plain)),
    'each opens with its key and place',
  );
  t.equal(sealed[0]!.length, IV_BYTES + plain.length + 16, 'IV, ciphertext and tag');
  t.throws(() => decrypt(key, sealed[0]!, 'key:owner.phone#1'), 'not in another place');
});
