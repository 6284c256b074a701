import assert from 'node:assert/strict';
import { test } from 'node:test';
import { metricsAccess } from './access.js';

test('loopback always, allowed CIDRs, and the bearer token from anywhere', () => {
  const check = metricsAccess({ allow: ['10.1.0.0/16'], token: 's3cret' });
  assert.equal(check('127.0.0.1', undefined), 'allow');
  assert.equal(check('::ffff:127.0.0.1', undefined), 'allow');
  assert.equal(check('::1', undefined), 'allow');
  assert.equal(check('10.1.2.3', undefined), 'allow');
  assert.equal(check('10.2.0.1', undefined), 'unauthorized');
  assert.equal(check('10.2.0.1', 'Bearer s3cret'), 'allow');
  assert.equal(check('127.0.0.1', 'Bearer wrong'), 'unauthorized');
  const open = metricsAccess({});
  assert.equal(open('192.168.1.1', undefined), 'forbidden');
  assert.throws(() => metricsAccess({ allow: ['nonsense'] }), /not a CIDR/);
});
