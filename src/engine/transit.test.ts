import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { internalTlsPort, liveTransitMode, sniffPort, transitModeOf } from './transit.js';

describe('transit', () => {
  it('reads the mode from settings (required when enabled without a mode)', () => {
    assert.equal(transitModeOf({ transitEncryptionEnabled: false }), 'none');
    assert.equal(transitModeOf({ transitEncryptionEnabled: true }), 'required');
    assert.equal(transitModeOf({ transitEncryptionEnabled: true, transitEncryptionMode: 'preferred' }), 'preferred');
  });
  it('derives internal ports above the node port, or below when they would not fit', () => {
    assert.equal(internalTlsPort(6379), 26379);
    assert.equal(sniffPort(6379), 36379);
    assert.equal(internalTlsPort(50000), 30000);
    assert.equal(sniffPort(40000), 10000);
    for (const p of [1024, 6379, 35535, 35536, 45535, 45536, 65535]) {
      const all = new Set([p, p + 10_000, internalTlsPort(p), sniffPort(p)]);
      assert.equal(all.size, 4, `ports derived from ${p} collide`);
      assert.ok(internalTlsPort(p) >= 1 && internalTlsPort(p) <= 65535 && sniffPort(p) >= 1 && sniffPort(p) <= 65535);
    }
  });
  it('tells the live mode from port and tls-port', () => {
    assert.equal(liveTransitMode(6379, 0), 'none');
    assert.equal(liveTransitMode(6379, 26379), 'preferred');
    assert.equal(liveTransitMode(0, 6379), 'required');
  });
});
