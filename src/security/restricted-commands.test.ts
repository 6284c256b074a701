import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONTAINER_COMMANDS, REDIS_COMMANDS } from './redis-commands.js';
import { isRestrictedAllCommands, RESTRICTED_COMMANDS, RESTRICTED_SUBCOMMANDS, RESTRICTION_RULES, restrictCustomerRules } from './restricted-commands.js';

describe('restricted commands', () => {
  it('names only commands and subcommands Redis 7.0 knows (ACL SETUSER refuses unknown ones)', () => {
    for (const c of RESTRICTED_COMMANDS) assert.ok(REDIS_COMMANDS.has(c), c);
    for (const [c, subs] of RESTRICTED_SUBCOMMANDS) for (const s of subs) assert.ok(CONTAINER_COMMANDS.get(c)?.has(s), `${c}|${s}`);
  });

  it('keeps the read-only ACL and CLUSTER subcommands a customer may use', () => {
    for (const kept of ['-acl|whoami', '-acl|cat', '-acl|log', '-acl|genpass', '-cluster|slots', '-cluster|shards', '-cluster|nodes',
      '-cluster|info', '-cluster|keyslot', '-cluster|myid']) {
      assert.ok(!RESTRICTION_RULES.includes(kept), kept);
    }
    for (const taken of ['-config', '-shutdown', '-acl|setuser', '-acl|list', '-acl|getuser', '-acl|users', '-cluster|forget', '-cluster|setslot']) {
      assert.ok(RESTRICTION_RULES.includes(taken), taken);
    }
  });

  it('appends the restriction after the root rules and inside every selector', () => {
    const tail = RESTRICTION_RULES.join(' ');
    assert.deepEqual(restrictCustomerRules(['on', '~*', '+@all']), ['on', '~*', '+@all', ...RESTRICTION_RULES]);
    assert.deepEqual(restrictCustomerRules(['on', '(~a* +@all)', '( ~b* +get )']),
      ['on', `(~a* +@all ${tail})`, `(~b* +get ${tail})`, ...RESTRICTION_RULES]);
  });

  it("recognises ACL GETUSER's commands field of a restricted +@all, in any order", () => {
    assert.ok(isRestrictedAllCommands(`+@all ${[...RESTRICTION_RULES].reverse().join(' ')}`));
    assert.ok(!isRestrictedAllCommands('+@all'));
    assert.ok(!isRestrictedAllCommands(`-@all ${RESTRICTION_RULES.join(' ')}`));
    assert.ok(!isRestrictedAllCommands(`+@all ${RESTRICTION_RULES.slice(1).join(' ')} -get`));
  });
});
