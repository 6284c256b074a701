/**
 * The IAM auth module (native/iam-auth) in a real redis-server 7.0 with TLS, asking the verifier
 * (src/gateway/verifier.ts) run in this process over its unix socket: the IAM user logs in with a
 * token signed as botocore and the JS SDK sign them, straight on the node (no gateway in between):
 * by AUTH, HELLO 2 AUTH (the module's blocked command) and HELLO 3 AUTH (the filter's synchronous
 * check, then Redis's own HELLO: RESP3 seen as bytes on a raw TLS connection). What the module
 * keeps secret, its time limits and a verifier gone: gateway-iam-module-limits.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsToken, pythonToken } from '../helpers/iam-token.js';
import {
  GROUP, KEYS, LIMIT_MS, NODE_SECRET, RESP_WRONGPASS, RG_ARN, TLS_PORT, USER_ARN, WRONGPASS, delay, errorOf, policy, useIamModuleNode,
} from '../helpers/iam-module-node.js';

const m = useIamModuleNode();

describe('the IAM auth module on redis-server 7.0', { timeout: 120_000 }, () => {
  it('accepts a valid token (AUTH user token and a bare AUTH token) and logs in as the ACL user', async () => {
    const token = await jsToken(KEYS.root, GROUP, 'app-iam');
    const c = await m.client();
    assert.equal(await c.call('AUTH', 'app-iam', token), 'OK');
    assert.equal(await c.call('ACL', 'WHOAMI'), 'app-iam');
    assert.equal(await c.set('k', 'v'), 'OK');
    const bare = await m.client();
    assert.equal(await bare.call('AUTH', token), 'OK');
    assert.equal(await bare.call('ACL', 'WHOAMI'), 'app-iam');
    const viaDefault = await m.client();
    assert.equal(await viaDefault.call('AUTH', 'default', token), 'OK');
    assert.equal(await viaDefault.call('ACL', 'WHOAMI'), 'app-iam');
    // botocore's signer, as AWS's documentation builds the token.
    const boto = await m.client();
    assert.equal(await boto.call('AUTH', 'app-iam', await pythonToken('python3', KEYS.root, GROUP, 'app-iam')), 'OK');
  });

  it('refuses an expired token, a token for another user or group, and a policy that does not allow Connect', async () => {
    const c = await m.client();
    const expired = await jsToken(KEYS.root, GROUP, 'app-iam', { signingDate: new Date(Date.now() - 20 * 60_000) });
    assert.equal(await errorOf(c.call('AUTH', 'app-iam', expired)), WRONGPASS);
    const otherUser = await jsToken(KEYS.root, GROUP, 'someone-else');
    assert.equal(await errorOf(c.call('AUTH', 'app-iam', otherUser)), WRONGPASS);
    const otherGroup = await jsToken(KEYS.root, 'another-group', 'app-iam');
    assert.equal(await errorOf(c.call('AUTH', 'app-iam', otherGroup)), WRONGPASS);
    const forged = (await jsToken(KEYS.root, GROUP, 'app-iam')).replace(/X-Amz-Signature=[0-9a-f]{4}/, 'X-Amz-Signature=0000');
    assert.equal(await errorOf(c.call('AUTH', 'app-iam', forged)), WRONGPASS);

    m.policies = [];
    assert.equal(await errorOf(c.call('AUTH', 'app-iam', await jsToken(KEYS.alice, GROUP, 'app-iam'))), WRONGPASS, 'denied by default');
    m.policies = [policy([{ Effect: 'Allow', Action: 'elasticache:Connect', Resource: '*' }, { Effect: 'Deny', Action: 'elasticache:Connect', Resource: RG_ARN }])];
    assert.equal(await errorOf(c.call('AUTH', 'app-iam', await jsToken(KEYS.alice, GROUP, 'app-iam'))), WRONGPASS, 'explicit deny');
    assert.equal(await errorOf(c.call('ACL', 'WHOAMI')), 'NOAUTH Authentication required.', 'still not logged in');
    assert.ok(m.verdicts.some((v) => v.extra?.['reason'] === 'explicit-deny'));
  });

  it('checks aws:SourceIp and aws:ResourceTag with the client\'s address as redis-server sees it', async () => {
    const c = await m.client();
    const allowFrom = (ip: string) => [policy([{
      Effect: 'Allow', Action: 'elasticache:Connect', Resource: '*',
      Condition: { IpAddress: { 'aws:SourceIp': `${ip}/32` }, StringEquals: { 'aws:ResourceTag/team': 'blue' } },
    }])];
    const clientAddr = await (async () => {
      const a = await m.admin();
      const list = String(await a.call('CLIENT', 'LIST'));
      return list.split('\n').find((l) => / user=default /.test(l) && / laddr=[\d.]+:6380 /.test(l))?.match(/ addr=([\d.]+):/)?.[1];
    })();
    assert.ok(clientAddr, 'the test client is listed');
    m.policies = allowFrom('10.9.9.9');
    assert.equal(await errorOf(c.call('AUTH', 'app-iam', await jsToken(KEYS.alice, GROUP, 'app-iam'))), WRONGPASS);
    m.policies = allowFrom(clientAddr);
    assert.equal(await c.call('AUTH', 'app-iam', await jsToken(KEYS.alice, GROUP, 'app-iam')), 'OK');
  });

  it('keeps restricted commands refused for the IAM user, and the module\'s configuration to the service', async () => {
    const c = await m.client();
    await c.call('AUTH', 'app-iam', await jsToken(KEYS.root, GROUP, 'app-iam'));
    assert.match(await errorOf(c.call('CONFIG', 'GET', 'maxmemory')), /^NOPERM/);
    assert.match(await errorOf(c.call('CACHEFLEET.IAMCONFIG', 'USERS')), /^NOPERM/);
    const pw = await m.client();
    await pw.call('AUTH', 'pw-user', 'pw-user-password');
    assert.match(await errorOf(pw.call('CACHEFLEET.IAMCONFIG', 'USERS')), /^NOPERM/, 'even for a user whose ACL lets it through');
    assert.deepEqual(await (await m.admin()).call('CACHEFLEET.IAMCONFIG'), ['group', GROUP, 'max-connection-ms', LIMIT_MS, 'users', ['app-iam']]);
  });

  it('leaves other logins to Redis', async () => {
    const c = await m.client();
    assert.equal(await errorOf(c.call('AUTH', 'pw-user', 'wrong')), WRONGPASS);
    assert.equal(await c.call('AUTH', 'pw-user', 'pw-user-password'), 'OK');
    assert.equal(await c.call('ACL', 'WHOAMI'), 'pw-user');
    // An IAM user logs in with a token only: its password in the node's ACL is never checked.
    assert.equal(await errorOf(c.call('AUTH', 'app-iam', 'secret-nobody-knows-0123456789')), WRONGPASS);
    assert.equal(await c.call('ACL', 'WHOAMI'), 'pw-user', 'a refused login keeps the current one');
    // A password user logged in on an IAM connection: the IAM limit no longer applies to it.
    const moved = await m.client();
    await moved.call('AUTH', 'app-iam', await jsToken(KEYS.root, GROUP, 'app-iam'));
    assert.equal(await moved.call('AUTH', 'pw-user', 'pw-user-password'), 'OK');
    await delay(LIMIT_MS + 800);
    assert.equal(await moved.ping(), 'PONG');
  });

  it('serves HELLO 2 AUTH in RESP2; HELLO 2 AUTH on a RESP3 connection is answered NOPROTO', async () => {
    const token = await jsToken(KEYS.root, GROUP, 'app-iam');
    const c = await m.client();
    const hello = await c.call('HELLO', '2', 'AUTH', 'app-iam', token, 'SETNAME', 'iam-client') as unknown[];
    assert.deepEqual(hello.slice(0, 6), ['server', 'redis', 'version', '7.0.15', 'proto', 2]);
    assert.equal(await c.call('CLIENT', 'GETNAME'), 'iam-client');
    assert.equal(await c.call('ACL', 'WHOAMI'), 'app-iam');
    // ioredis 6 starts with HELLO 3 AUTH: logged in straight away now.
    const ioredis = await m.fleet.connect(m.address, TLS_PORT, { ca: m.certs.caPem }, { username: 'app-iam', password: token });
    assert.equal(await ioredis.call('ACL', 'WHOAMI'), 'app-iam');
    assert.equal(await ioredis.set('k', 'v'), 'OK');
    const resp3 = await m.fleet.connect(m.address, TLS_PORT, { ca: m.certs.caPem }, { username: 'pw-user', password: 'pw-user-password' });
    assert.match(JSON.stringify(await resp3.call('HELLO', '3')), /"proto",3|"proto":3/);
    assert.match(await errorOf(resp3.call('HELLO', '2', 'AUTH', 'app-iam', token)), /^NOPROTO/);
  });

  it('HELLO 3 AUTH with a token: Redis\'s own HELLO logs in and switches the connection to RESP3 (a map, push messages)', async () => {
    const token = await jsToken(KEYS.root, GROUP, 'app-iam');
    const { c, reply } = await m.hello3('app-iam', token, 'SETNAME', 'resp3-client');
    assert.match(reply, /^%7\r\n\$6\r\nserver\r\n\$5\r\nredis\r\n/, reply);
    assert.match(reply, /\$5\r\nproto\r\n:3\r\n/, reply);
    c.send('ACL', 'WHOAMI');
    assert.equal(await c.until(/\r\n.*\r\n$/), '$7\r\napp-iam\r\n');
    c.send('CLIENT', 'GETNAME');
    assert.equal(await c.until(/\r\n.*\r\n$/), '$12\r\nresp3-client\r\n');
    c.send('CONFIG', 'GET', 'maxmemory');
    assert.match(await c.until(/\r\n$/), /^-NOPERM/, 'the ACL user\'s rules apply');
    // RESP3 push messages: a subscribed connection keeps taking commands.
    c.send('SUBSCRIBE', 'news');
    assert.equal(await c.until(/:1\r\n$/), '>3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n');
    assert.equal(await (await m.admin()).publish('news', 'hi'), 1);
    assert.equal(await c.until(/hi\r\n$/), '>3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n');
    c.send('PING');
    assert.equal(await c.until(/\r\n$/), '+PONG\r\n');
    c.close();

    // A bare token as the default user's password (the token names its user), and botocore's token.
    const viaDefault = await m.hello3('default', token);
    assert.match(viaDefault.reply, /^%7\r\n/);
    viaDefault.c.send('ACL', 'WHOAMI');
    assert.equal(await viaDefault.c.until(/\r\n.*\r\n$/), '$7\r\napp-iam\r\n');
    const boto = await m.hello3('app-iam', await pythonToken('python3', KEYS.root, GROUP, 'app-iam'));
    assert.match(boto.reply, /^%7\r\n/);
  });

  it('HELLO 3 AUTH refuses a wrong or expired token and the node secret itself; a policy on the client\'s address is left to AUTH', async () => {
    const expired = await jsToken(KEYS.root, GROUP, 'app-iam', { signingDate: new Date(Date.now() - 20 * 60_000) });
    const forged = (await jsToken(KEYS.root, GROUP, 'app-iam')).replace(/X-Amz-Signature=[0-9a-f]{4}/, 'X-Amz-Signature=0000');
    const otherGroup = await jsToken(KEYS.root, 'another-group', 'app-iam');
    for (const [user, password] of [['app-iam', expired], ['app-iam', forged], ['default', otherGroup], ['app-iam', NODE_SECRET], ['app-iam', '']]) {
      const { c, reply } = await m.hello3(user!, password!);
      assert.equal(reply, RESP_WRONGPASS, `${user} ${password!.slice(0, 40)}`);
      c.send('ACL', 'WHOAMI');
      assert.match(await c.until(/\r\n$/), /^-NOAUTH/, 'not logged in, still RESP2');
      c.close();
    }
    // aws:SourceIp: the filter's check cannot tell the address, so the module's own command answers
    // NOPROTO (as before HELLO 3 was served) and the client logs in with AUTH, checked with its address.
    m.policies = [policy([{ Effect: 'Allow', Action: 'elasticache:Connect', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } }])];
    const aliceToken = await jsToken(KEYS.alice, GROUP, 'app-iam');
    const fromIp = await m.hello3('app-iam', aliceToken);
    assert.match(fromIp.reply, /^-NOPROTO/);
    assert.ok(m.verdicts.some((v) => v.extra?.['reason'] === 'client-unknown'));
    fromIp.c.send('AUTH', 'app-iam', aliceToken);
    assert.equal(await fromIp.c.until(/\r\n$/), '+OK\r\n');
    m.policies = [policy([{ Effect: 'Allow', Action: 'elasticache:Connect', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }])];
    assert.match((await m.hello3('app-iam', aliceToken)).reply, /^-NOPROTO/, 'not decided in the filter');
    assert.equal(await errorOf((await m.client()).call('AUTH', 'app-iam', aliceToken)), WRONGPASS, 'decided with the address: refused');
    m.policies = [policy([{ Effect: 'Allow', Action: 'elasticache:Connect', Resource: [RG_ARN, USER_ARN] }])];
    assert.match((await m.hello3('app-iam', await jsToken(KEYS.alice, GROUP, 'app-iam'))).reply, /^%7\r\n/);
  });
});
