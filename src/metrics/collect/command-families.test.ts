import assert from 'node:assert/strict';
import { test } from 'node:test';
import { familiesOf, familyTotals, parseCommandTable } from './command-families.js';
import { COMMAND_REPLY } from './fixtures.test-helpers.js';

test('families come from the command table\'s ACL categories, subcommands included', () => {
  const table = parseCommandTable(COMMAND_REPLY);
  assert.deepEqual(familiesOf('get', table), ['GetTypeCmds', 'StringBasedCmds']);
  assert.deepEqual(familiesOf('set', table), ['SetTypeCmds', 'StringBasedCmds']);
  assert.deepEqual(familiesOf('del', table), ['SetTypeCmds', 'KeyBasedCmds']);
  assert.deepEqual(familiesOf('eval', table), ['EvalBasedCmds']);
  assert.deepEqual(familiesOf('cluster|info', table), ['ClusterBasedCmds']);
  assert.deepEqual(familiesOf('config|get', table), []);
  assert.deepEqual(familiesOf('unknown', table), []);
});

test('familyTotals sums calls and microseconds per family', () => {
  const table = parseCommandTable(COMMAND_REPLY);
  const totals = familyTotals(new Map([
    ['get', { calls: 10, usec: 20, rejectedCalls: 0, failedCalls: 0 }],
    ['set', { calls: 5, usec: 50, rejectedCalls: 0, failedCalls: 0 }],
  ]), table);
  assert.deepEqual(totals.get('StringBasedCmds'), { calls: 15, usec: 70 });
  assert.deepEqual(totals.get('GetTypeCmds'), { calls: 10, usec: 20 });
  assert.deepEqual(totals.get('HashBasedCmds'), { calls: 0, usec: 0 });
});
