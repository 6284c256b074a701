import { Redis } from 'ioredis';
const r = new Redis({ host: process.argv[2], port: 6379, maxRetriesPerRequest: null, retryStrategy: () => 20, connectTimeout: 500 });
let ok = 0, fail = 0, readonly = 0, firstFailAt = 0, recoveredAt = 0; const errs = new Set();
const end = Date.now() + Number(process.argv[3] ?? 5000);
while (Date.now() < end) {
  try { await r.set('k' + ok, 'v'); ok++; if (firstFailAt && !recoveredAt) recoveredAt = Date.now(); }
  catch (e) { fail++; errs.add(e.message.slice(0, 60)); if (/READONLY/.test(e.message)) readonly++; if (!firstFailAt) firstFailAt = Date.now(); }
}
console.log(JSON.stringify({ ok, fail, readonly, gapMs: recoveredAt - firstFailAt, errs: [...errs] }));
r.disconnect();
