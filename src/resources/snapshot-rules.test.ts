/**
 * The pure rules of backups: snapshot names (ElastiCache's identifier rules), the snapshot window
 * against the maintenance window, the window occurrence a moment falls in, S3 object ARNs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AwsError } from '../errors/index.js';
import { normalizeSnapshotName } from './naming.js';
import { parseS3Arn } from './restore.js';
import { checkWindows, chooseSnapshotWindow, snapshotWindowAt, windowsOverlap } from './windows.js';

const code = (fn: () => unknown): string | undefined => {
  try { fn(); } catch (e) { return e instanceof AwsError ? e.code : String(e); }
  return undefined;
};

describe('snapshot names', () => {
  it('1–40 letters, digits and hyphens, a letter first, no "--", no trailing "-"; stored lowercase', () => {
    assert.equal(normalizeSnapshotName('SnapshotName', 'My-Backup-20240115'), 'my-backup-20240115');
    assert.equal(normalizeSnapshotName('SnapshotName', 'a'.repeat(40)), 'a'.repeat(40));
    for (const bad of ['', 'a'.repeat(41), '1backup', 'back--up', 'backup-', 'back_up', 'automatic.x', 'back up']) {
      assert.equal(code(() => normalizeSnapshotName('SnapshotName', bad)), 'InvalidParameterValue', bad);
    }
  });
});

describe('snapshot and maintenance windows', () => {
  it('overlap on any day of the week, midnight crossings included', () => {
    assert.equal(windowsOverlap('03:00-04:00', 'sun:05:00-sun:06:00'), false);
    assert.equal(windowsOverlap('05:30-06:30', 'sun:05:00-sun:06:00'), true);
    assert.equal(windowsOverlap('04:00-05:00', 'sun:05:00-sun:06:00'), false, 'touching ends do not overlap');
    assert.equal(windowsOverlap('23:30-00:30', 'mon:00:00-mon:01:00'), true, 'a window crossing midnight');
    assert.equal(windowsOverlap('01:00-02:00', 'sat:23:00-sun:01:30'), true, 'a maintenance window crossing midnight and the week');
    assert.equal(code(() => checkWindows('05:30-06:30', 'sun:05:00-sun:06:00')), 'InvalidParameterCombination');
  });

  it('a window chosen for the user avoids the maintenance window', () => {
    assert.equal(chooseSnapshotWindow('sun:05:00-sun:06:00'), '03:00-04:00');
    assert.equal(chooseSnapshotWindow('tue:02:30-tue:04:30'), '05:00-06:00');
  });

  it('the occurrence a moment falls in: its start and the UTC date it began on', () => {
    const at = (iso: string) => snapshotWindowAt('03:00-04:00', new Date(iso));
    assert.equal(at('2024-01-15T02:59:59Z'), undefined);
    assert.deepEqual(at('2024-01-15T03:00:00Z'), { startedAt: new Date('2024-01-15T03:00:00Z'), day: '2024-01-15' });
    assert.equal(at('2024-01-15T03:59:59Z')?.day, '2024-01-15');
    assert.equal(at('2024-01-15T04:00:00Z'), undefined);
    const late = snapshotWindowAt('23:30-00:30', new Date('2024-01-16T00:10:00Z'));
    assert.deepEqual(late, { startedAt: new Date('2024-01-15T23:30:00Z'), day: '2024-01-15' });
  });
});

describe('S3 object ARNs (SnapshotArns)', () => {
  it('arn:aws:s3:::bucket/key only', () => {
    assert.deepEqual(parseS3Arn('arn:aws:s3:::my-bucket/backups/orders-0001.rdb'), { bucket: 'my-bucket', key: 'backups/orders-0001.rdb' });
    for (const bad of ['my-bucket/orders.rdb', 'arn:aws:s3:::my-bucket', 'arn:aws:s3:::My_Bucket/x.rdb', 'arn:aws:s3:us-east-1::b/x', 's3://my-bucket/x.rdb']) {
      assert.equal(parseS3Arn(bad), undefined, bad);
    }
  });
});
