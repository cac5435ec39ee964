import Database from 'better-sqlite3';
const db = new Database('/tmp/bench-queries-ZhSMaM/server/read-models.db', { readonly: true });
for (const q of ['漏水', '装修', '漏', '水', '鸟', '噪', '的']) {
  const terms = db.prepare('SELECT term FROM case_text_terms WHERE term >= ? AND term < ?').pluck().all(q, q + '\u{10FFFF}');
  const expr = terms.map((x) => `"${x}"`).join(' OR ');
  let n = 0, t0 = performance.now();
  if (terms.length) n = db.prepare('SELECT rowid FROM case_text WHERE case_text MATCH ? ORDER BY rowid DESC LIMIT 51').all(expr).length;
  const t1 = performance.now();
  console.log(q, terms.length, 'terms', n, (t1 - t0).toFixed(1), 'ms');
}
console.log(db.prepare('SELECT count(*) FROM case_text_terms').pluck().get(), 'distinct trigrams');
