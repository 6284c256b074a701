import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lookupUser, resolveNodeUser } from './node-user.js';

describe('resolveNodeUser', () => {
  it('a service not running as root starts nodes as itself', () => {
    assert.equal(resolveNodeUser(undefined, 1000), undefined);
  });
  it('a service running as root needs a user that exists, and names it in the error', () => {
    assert.throws(() => resolveNodeUser('no-such-user-cachefleet', 0), /no user "no-such-user-cachefleet".*--node-user/);
  });
  it('root asked for explicitly is no switch at all', () => {
    assert.equal(resolveNodeUser('root', 0), undefined);
  });
  it('looks users up by name, refusing what is not a name', () => {
    assert.deepEqual(lookupUser('root'), { name: 'root', uid: 0, gid: 0 });
    assert.throws(() => lookupUser('-u'), /not a user name/);
  });
});
