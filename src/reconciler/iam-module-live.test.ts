import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadModuleOf, planIamModule, settingsOfArgs, settingsOfReply } from './iam-module-live.js';

const want = { path: './cachefleet-iam.so', args: ['socket', '/run/x/verify.sock', 'admin-user', 'cachefleet-admin', 'group', 'g1', 'max-connection-ms', '43200000', 'users', 'a', 'b'] };

describe('the IAM auth module on a running node', () => {
  it('reads settings from loadmodule arguments and from CACHEFLEET.IAMCONFIG', () => {
    assert.deepEqual(settingsOfArgs(want.args), { group: 'g1', maxConnectionMs: 43_200_000, users: ['a', 'b'] });
    assert.deepEqual(settingsOfReply(['group', 'g1', 'max-connection-ms', 43_200_000, 'users', ['a', 'b']]),
      { group: 'g1', maxConnectionMs: 43_200_000, users: ['a', 'b'] });
    assert.equal(settingsOfReply('OK'), undefined);
    assert.deepEqual(loadModuleOf({ loadmodule: `${want.path} ${want.args.join(' ')}` }), want);
    assert.equal(loadModuleOf({}), undefined);
  });

  it('loads it when wanted and missing, configures it when its users differ, and empties it when no longer wanted', () => {
    assert.deepEqual(planIamModule(false, undefined, want), { kind: 'load', args: ['LOAD', want.path, ...want.args] });
    assert.deepEqual(planIamModule(true, { group: 'g1', maxConnectionMs: 43_200_000, users: ['a', 'b'] }, want), { kind: 'none' });
    assert.deepEqual(planIamModule(true, { group: 'g1', maxConnectionMs: 43_200_000, users: ['a'] }, want),
      { kind: 'configure', args: ['GROUP', 'g1', 'MAX-CONNECTION-MS', '43200000', 'USERS', 'a', 'b'] });
    assert.deepEqual(planIamModule(true, { group: 'g1', maxConnectionMs: 1, users: ['a'] }, undefined), { kind: 'configure', args: ['USERS'] });
    assert.deepEqual(planIamModule(true, { group: 'g1', maxConnectionMs: 1, users: [] }, undefined), { kind: 'none' });
    assert.deepEqual(planIamModule(false, undefined, undefined), { kind: 'none' });
  });
});
