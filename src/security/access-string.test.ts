import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RESTRICTION_RULES as R } from './restricted-commands.js';
import { AwsError } from '../errors/index.js';
import { hashPasswords, parseAccessString, userRules } from './access-string.js';
import { sha256Hex } from './auth-token.js';

function refused(s: string, message?: RegExp): void {
  assert.throws(() => parseAccessString(s), (e: unknown) => {
    assert.ok(e instanceof AwsError, String(e));
    assert.equal(e.code, 'InvalidParameterValue');
    if (message) assert.match(e.message, message);
    return true;
  }, `expected '${s}' to be refused`);
}

describe('access strings', () => {
  it('accepts ElastiCache examples and keeps their rules', () => {
    for (const [input, text] of [
      ['on ~* +@all', 'on ~* +@all'],
      ['on ~app::* -@all +@read', 'on ~app::* -@all +@read'],
      ['  on   ~app::*\t-@all  +@read ', 'on ~app::* -@all +@read'],
      ['off ~keys* -@all +get', 'off ~keys* -@all +get'],
      ['on allkeys allchannels allcommands', 'on allkeys allchannels allcommands'],
      ['on resetkeys %R~read:* %W~write:* %RW~both:* &chan:* resetchannels nocommands +@hash -hdel', 'on resetkeys %R~read:* %W~write:* %RW~both:* &chan:* resetchannels nocommands +@hash -hdel'],
      ['on ~* +config|get -client|kill +select|0 +CLIENT|LIST', 'on ~* +config|get -client|kill +select|0 +CLIENT|LIST'],
      ['ON ~* +@ALL', 'ON ~* +@ALL'],
    ]) {
      assert.equal(parseAccessString(input!).text, text, input);
    }
  });

  it('tells whether the user ends up on', () => {
    assert.equal(parseAccessString('on ~* +@all').enabled, true);
    assert.equal(parseAccessString('~* +@all').enabled, false, 'neither on nor off: off');
    assert.equal(parseAccessString('on off ~*').enabled, false);
    assert.equal(parseAccessString('off on ~*').enabled, true);
  });

  it('keeps a selector as one rule', () => {
    const a = parseAccessString('on ~a* +get (~b* +set) ( %R~c* +@read )');
    assert.deepEqual(a.rules, ['on', '~a*', '+get', '(~b* +set)', '(%R~c* +@read)']);
    assert.equal(a.text, 'on ~a* +get (~b* +set) (%R~c* +@read)');
  });

  it('refuses rules that touch passwords, and reset, without repeating a password', () => {
    for (const s of ['on >secret-password-1 ~*', 'on <old ~*', 'on #abc ~*', 'on !abc ~*', 'on nopass ~*', 'on resetpass ~*', 'NOPASS']) {
      refused(s, /password/i);
    }
    assert.throws(() => parseAccessString('on >s3cret-Password-xyz'), (e: AwsError) => !e.message.includes('s3cret'));
    refused('reset on ~*', /reset/);
  });

  it('refuses unknown commands, subcommands and categories (a node would refuse them)', () => {
    refused('on ~* +@nope', /unknown command category 'nope'/);
    refused('on ~* +nocmd', /unknown command 'nocmd'/);
    refused('on ~* +hexpire', /unknown command/); // Redis 7.4, not 7.0
    refused('on ~* +config|nope', /config has no subcommand 'nope'/);
    refused('on ~* -select|0', /first argument/);
    refused('on ~* +config|get|x');
    refused('on ~* +');
    refused('on ~* +|get');
  });

  it('refuses malformed keys, channels, selectors and anything else', () => {
    refused('');
    refused('   ');
    refused('on ~', /no key pattern/);
    refused('on %X~a');
    refused('on %RR~a', /repeats/);
    refused('on &', /channel/);
    refused('on (~a +get', /not closed/);
    refused('on ~a +get)', /selector/);
    refused('on ()', /at least one rule/);
    refused('on (on ~a)', /inside a selector/);
    refused('on (>pw ~a)', /password/);
    refused('on ~* +@all whatever', /unknown rule 'whatever'/);
    refused('on ~k\u00e9y', /ASCII/);
    refused('on ~a\u0000b');
  });
});

describe('user rules and passwords', () => {
  it('a user is reset, then its access string, then its password hashes or nopass, then the restricted commands', () => {
    const h = sha256Hex('a-password-of-16+');
    assert.deepEqual(userRules('on ~app::* -@all +@read', [h], false), ['reset', 'on', '~app::*', '-@all', '+@read', `#${h}`, ...R]);
    assert.deepEqual(userRules('on ~* +@all', [], true), ['reset', 'on', '~*', '+@all', 'nopass', ...R]);
    assert.deepEqual(userRules('off', [], false), ['reset', 'off', ...R]);
    // Inside a selector too: a command is allowed when the root rules or any selector allow it.
    assert.deepEqual(userRules('on ~a* (~b* +@all)', [], true), ['reset', 'on', '~a*', `(~b* +@all ${R.join(' ')})`, 'nopass', ...R]);
  });

  it('1 or 2 passwords of 16–128 printable characters, kept only as SHA-256', () => {
    const ok = 'Str0ng-password-01';
    assert.deepEqual(hashPasswords([ok]), [sha256Hex(ok)]);
    assert.equal(hashPasswords([ok, `${ok}x`]).length, 2);
    assert.match(hashPasswords(['x'.repeat(128)])[0]!, /^[0-9a-f]{64}$/);
    const bad: [string[], RegExp][] = [
      [[], /at least one/],
      [[ok, `${ok}a`, `${ok}b`], /at most 2/],
      [['short-password'], /between 16 and 128/],
      [['x'.repeat(129)], /between 16 and 128/],
      [['has a space in it!!'], /spaces/],
      [['has-a-slash/in-it-123'], /'\/'/],
      [['has-an-at@in-it-1234'], /'\/'/],
      [['has-a-quote"in-it-123'], /'\/'/],
      [['non-ascii-\u00e9-password-1'], /ASCII/],
      [[ok, ok], /same password twice/],
    ];
    for (const [passwords, message] of bad) {
      assert.throws(() => hashPasswords(passwords), (e: AwsError) => {
        assert.equal(e.code, 'InvalidParameterValue');
        assert.match(e.message, message);
        for (const p of passwords) if (p.length >= 8) assert.ok(!e.message.includes(p), 'the message repeats a password');
        return true;
      }, JSON.stringify(passwords));
    }
  });
});
