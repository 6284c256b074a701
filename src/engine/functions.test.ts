import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFunctions, libraryCodes, type FunctionsClient } from './functions.js';

/** A node's Functions as Redis 7 keeps them: FUNCTION LIST [WITHCODE], DUMP, RESTORE … REPLACE. */
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
      if (sub === 'RESTORE') {
        assert.equal(String(args[3]), 'REPLACE');
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
