/**
 * What the endpoint says about itself as one node, in the formats Redis uses, so clients that
 * parse them (redis-py's `client_info()`, `info()["db0"]`) read the endpoint as they read a node:
 * CLIENT INFO / LIST lines with every field Redis 7.0 writes, and INFO whose Keyspace section
 * counts the keys of every shard (the virtual node holds them all).
 */

export interface ClientLine {
  id: number;
  addr: string;
  laddr: string;
  name: string;
  /** Seconds since the connection was accepted. */
  age: number;
  /** Channels subscribed with SUBSCRIBE, and with SSUBSCRIBE. */
  sub: number;
  ssub: number;
  user: string;
  resp: number;
  /** The command asking, as Redis names it (`client|info`, `client|list`). */
  cmd: string;
}

/**
 * One client's line in the order and with the fields of Redis 7.0's CLIENT LIST (networking.c,
 * catClientInfoString). Fields the endpoint has no meaning for (the node-side buffers, the file
 * descriptor) are 0 or -1 as Redis writes them for an idle client; redis-py parses the numeric
 * ones as integers and fails on a missing one.
 */
export function clientInfoLine(c: ClientLine): string {
  return `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=-1 name=${c.name} age=${c.age} idle=0 flags=N db=0 ` +
    `sub=${c.sub} psub=0 ssub=${c.ssub} multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 ` +
    `obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=${c.cmd} user=${c.user} redir=-1 resp=${c.resp}\n`;
}

/**
 * The INFO reply of the virtual node from the INFO text of every shard's primary: the first
 * shard's text, its Keyspace section (when asked for) replaced by the sum over all shards.
 * `avg_ttl` is the average of the shards' weighted by their keys with a TTL, as Redis averages.
 */
export function combineInfo(texts: readonly string[]): string {
  const first = texts[0] ?? '';
  const header = /^# Keyspace\r?$/m.exec(first);
  if (!header) return first;
  const dbs = new Map<string, { keys: number; expires: number; ttlSum: number }>();
  for (const text of texts) {
    for (const m of text.matchAll(/^(db\d+):keys=(\d+),expires=(\d+),avg_ttl=(\d+)/gm)) {
      const db = dbs.get(m[1]!) ?? { keys: 0, expires: 0, ttlSum: 0 };
      db.keys += Number(m[2]);
      db.expires += Number(m[3]);
      db.ttlSum += Number(m[3]) * Number(m[4]);
      dbs.set(m[1]!, db);
    }
  }
  const eol = first.includes('\r\n') ? '\r\n' : '\n';
  const lines = [...dbs].map(([name, d]) => `${name}:keys=${d.keys},expires=${d.expires},avg_ttl=${d.expires ? Math.round(d.ttlSum / d.expires) : 0}`);
  // The section runs to the next header (or the end); other sections are kept as they are.
  const start = header.index + header[0].length + eol.length - (header[0].endsWith('\r') ? 1 : 0);
  const next = first.slice(start).search(/^# /m);
  const end = next < 0 ? first.length : start + next;
  const tail = next < 0 ? '' : eol;
  return first.slice(0, start) + lines.map((l) => l + eol).join('') + tail + first.slice(end);
}
