/**
 * GB18030 bytes of a text, for tests: Node decodes GB18030 but has no encoder, so the table is
 * built by decoding every two-byte sequence with the standard decoder (which covers every
 * character these tests write), and each result is checked by decoding it back.
 */
let table: Map<string, number[]> | undefined;

const twoByteTable = () => {
  if (table) return table;
  table = new Map();
  const decoder = new TextDecoder('gb18030', { fatal: true });
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      try {
        const char = decoder.decode(Uint8Array.of(lead, trail));
        if (!table.has(char)) table.set(char, [lead, trail]);
      } catch {
        // not a character of the two-byte range
      }
    }
  }
  return table;
};

export const gb18030Bytes = (text: string): Buffer => {
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) bytes.push(code);
    else {
      const pair = twoByteTable().get(char);
      if (!pair) throw new Error(`no two-byte GB18030 sequence for ${char}`);
      bytes.push(...pair);
    }
  }
  const encoded = Buffer.from(bytes);
  if (new TextDecoder('gb18030', { fatal: true }).decode(encoded) !== text) throw new Error('GB18030 bytes do not decode back to the text');
  return encoded;
};
