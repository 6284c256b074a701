import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode, loginOf, MAX_LOGIN_BYTES, parseCommand } from './first-command.js';

const cmd = (...a: string[]) => encode(a.map((s) => Buffer.from(s)));
const args = (b: Buffer) => {
  const p = parseCommand(b);
  assert.equal(p.kind, 'command');
  return p.kind === 'command' ? p.args : [];
};

describe('parseCommand', () => {
  it('reads one command, in any split, and says where it ends', () => {
    const two = Buffer.concat([cmd('AUTH', 'u', 'tok'), cmd('PING')]);
    const p = parseCommand(two);
    assert.ok(p.kind === 'command');
    assert.deepEqual(p.args.map(String), ['AUTH', 'u', 'tok']);
    assert.deepEqual(parseCommand(two.subarray(p.end)).kind, 'command');
    for (let i = 0; i < cmd('AUTH', 'u', 'tok').length; i++) assert.equal(parseCommand(two.subarray(0, i)).kind, 'incomplete', `split at ${i}`);
  });

  it('hands over what is not a login-sized RESP array', () => {
    assert.equal(parseCommand(Buffer.from('PING\r\n')).kind, 'other');
    assert.equal(parseCommand(Buffer.from('*1\r\n:1\r\n')).kind, 'other');
    assert.equal(parseCommand(cmd('SET', 'k', 'x'.repeat(MAX_LOGIN_BYTES + 1)).subarray(0, MAX_LOGIN_BYTES + 100)).kind, 'other');
  });
});

describe('loginOf', () => {
  it('finds AUTH user password and HELLO … AUTH user password, and rewrites the password only', () => {
    const auth = loginOf(args(cmd('auth', 'app', 'token')))!;
    assert.deepEqual([auth.user, auth.password], ['app', 'token']);
    assert.deepEqual(args(auth.withPassword('s3cret')).map(String), ['auth', 'app', 's3cret']);
    const hello = loginOf(args(cmd('HELLO', '3', 'SETNAME', 'c1', 'AUTH', 'app', 'token')))!;
    assert.deepEqual([hello.user, hello.password], ['app', 'token']);
    assert.deepEqual(args(hello.withPassword('s')).map(String), ['HELLO', '3', 'SETNAME', 'c1', 'AUTH', 'app', 's']);
  });

  it('AUTH <token> alone (redis-py with password=token) is the login of the user the token names', () => {
    const token = 'my-cache/?Action=connect&User=app%2Duser&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc';
    const login = loginOf(args(cmd('AUTH', token)))!;
    assert.deepEqual([login.user, login.password], ['app-user', token]);
    assert.deepEqual(args(login.withPassword('s3cret')).map(String), ['AUTH', 'app-user', 's3cret']);
    assert.equal(loginOf(args(cmd('AUTH', 'my-cache/?Action=connect&X-Amz-Signature=abc'))), undefined, 'no user');
    assert.equal(loginOf(args(cmd('AUTH', 'my-cache/?Action=list&User=u&X-Amz-Signature=abc'))), undefined, 'not a connect');
  });

  it('is undefined for a default-user AUTH, a HELLO without AUTH, anything else', () => {
    assert.equal(loginOf(args(cmd('AUTH', 'password-of-default'))), undefined);
    assert.equal(loginOf(args(cmd('HELLO', '3'))), undefined);
    assert.equal(loginOf(args(cmd('HELLO', '3', 'AUTH', 'u'))), undefined);
    assert.equal(loginOf(args(cmd('GET', 'k'))), undefined);
  });
});
