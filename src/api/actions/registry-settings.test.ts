import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { getOperation } from '../codec/model.js';
import { settingsActions } from './registry-settings.js';
import { makeTestServices, type TestServices } from './test-services.js';

let t: TestServices | undefined;
afterEach(async () => { await t?.close(); });

test('every action of part A is an operation of the model, once', async () => {
  t = await makeTestServices();
  const names = settingsActions.map((f) => f(t!.svc).name);
  assert.equal(names.length, 21);
  assert.equal(new Set(names).size, names.length);
  for (const name of names) assert.ok(getOperation(name), `${name} is not in the model`);
});
