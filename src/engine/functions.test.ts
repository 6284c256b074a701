import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFunctions, libraryCodes, libraryDiff, type FunctionsClient } from './functions.js';

/** What a pass of 'add' does (functions-sync.ts): read both, compare, apply; the libraries that were missing or differed. */
async function copyFunctions(source: FunctionsClient, target: FunctionsClient): Promise<string[]> {
  const wanted = await libraryCodes(source);
  if (!wanted || wanted.size === 0) return [];
  const diff = libraryDiff(wanted, (await libraryCodes(target)) ?? new Map<string, string>());
  await applyFunctions(source, target, 'add', diff);
  return diff.missing;
}

/** A node's Functions as Redis 7 keeps them: FUNCTION LIST [WITHCODE], DUMP, RESTORE … REPLACE|FLUSH, FLUSH. */
class FakeNode {
  readonly sent: string[] = [];
  constructor(readonly libraries = new Map<string, string>(), private readonly redis6 = false) {}
  get client(): FunctionsClient {
    const run = async (...args: unknown[]) => {
      const [cmd, sub, arg] = args.map((a) => (Buffer.isBuffer(a) ? a : String(a)));
      this.sent.push(`${cmd} ${sub}`);
      if (this.redis6) throw new Error("ERR unknown command 'FUNCTION', with args beginning with: 'LIST'");
      if (cmd !== 'FUNCTION') throw new Error(`unexpected ${String(cmd)}`);
      if (sub === 'LIST') {
        return [...this.libraries].map(([name, code]) => ['library_name', name, 'engine', 'LUA', 'functions', [],
          ...(arg === 'WITHCODE' ? ['library_code', code] : [])]);
      }
      if (sub === 'DUMP') return Buffer.from(JSON.stringify([...this.libraries]));
      if (sub === 'FLUSH') {
        this.libraries.clear();
        return 'OK';
      }
      if (sub === 'RESTORE') {
        assert.ok(['REPLACE', 'FLUSH'].includes(String(args[3])), String(args[3]));
        if (String(args[3]) === 'FLUSH') this.libraries.clear();
        for (const [name, code] of JSON.parse(String(arg)) as Array<[string, string]>) this.libraries.set(name, code);
        return 'OK';
      }
      throw new Error(`unexpected FUNCTION ${String(sub)}`);
    };
    return { call: run, callBuffer: run } as unknown as FunctionsClient;
  }
}

const lib = (name: string, v = 1) => `#!lua name=${name}\nredis.register_function('${name}_f', function() return ${v} end)`;

test('a new node gets every library of the source, once: a second copy sends nothing', async () => {
  const source = new FakeNode(new Map([['a', lib('a')], ['b', lib('b')]]));
  const target = new FakeNode();
  assert.deepEqual(await copyFunctions(source.client, target.client), ['a', 'b']);
  assert.deepEqual(target.libraries, source.libraries);
  target.sent.length = 0;
  assert.deepEqual(await copyFunctions(source.client, target.client), []);
  assert.deepEqual(target.sent, ['FUNCTION LIST'], 'only looked');
});

test('a library in another version is replaced; one only the target has stays', async () => {
  const source = new FakeNode(new Map([['a', lib('a', 2)]]));
  const target = new FakeNode(new Map([['a', lib('a', 1)], ['own', lib('own')]]));
  assert.deepEqual(await copyFunctions(source.client, target.client), ['a']);
  assert.equal(target.libraries.get('a'), lib('a', 2));
  assert.equal(target.libraries.get('own'), lib('own'));
});

test('nothing to copy: a source without libraries, or a Redis 6 source, sends nothing to the target', async () => {
  for (const source of [new FakeNode(), new FakeNode(new Map(), true)]) {
    const target = new FakeNode();
    assert.deepEqual(await copyFunctions(source.client, target.client), []);
    assert.deepEqual(target.sent, []);
  }
  assert.equal(await libraryCodes(new FakeNode(new Map(), true).client), undefined);
});

test('another error of the source is not taken for "no Functions"', async () => {
  const failing = { call: async () => { throw new Error('LOADING Redis is loading the dataset in memory'); } } as unknown as FunctionsClient;
  await assert.rejects(copyFunctions(failing, new FakeNode().client), /LOADING/);
});

test("exact: the target ends with the source's libraries and no others, in one RESTORE … FLUSH", async () => {
  const source = new FakeNode(new Map([['a', lib('a', 2)], ['b', lib('b')]]));
  const target = new FakeNode(new Map([['a', lib('a', 1)], ['gone', lib('gone')]]));
  const diff = libraryDiff(source.libraries, target.libraries);
  assert.deepEqual(diff, { missing: ['a', 'b'], extra: ['gone'] });
  assert.equal(await applyFunctions(source.client, target.client, 'exact', diff), true);
  assert.deepEqual(target.libraries, source.libraries);
  assert.deepEqual(target.sent, ['FUNCTION RESTORE']);
});

test('exact, the source has none: the target is flushed; add, with only extras: nothing is sent', async () => {
  const target = new FakeNode(new Map([['gone', lib('gone')]]));
  const diff = libraryDiff(new Map(), target.libraries);
  assert.equal(await applyFunctions(new FakeNode().client, target.client, 'add', diff), false);
  assert.deepEqual(target.sent, []);
  assert.equal(await applyFunctions(new FakeNode().client, target.client, 'exact', diff), true);
  assert.equal(target.libraries.size, 0);
});
