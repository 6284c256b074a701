/** `cachefleet server`'s serverless scaling options parsed as commander gives them. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { DEFAULT_SERVERLESS_SCALING } from '../core/index.js';
import { addServerlessScalingOptions, serverlessScalingConfig, type ServerlessScalingOptions } from './serverless-scaling-options.js';

const parse = (args: string[]) => {
  const cmd = addServerlessScalingOptions(new Command().exitOverride());
  cmd.parse(args, { from: 'user' });
  return serverlessScalingConfig(cmd.opts<ServerlessScalingOptions>());
};

test('no options: the defaults', () => {
  assert.deepEqual(parse([]), DEFAULT_SERVERLESS_SCALING);
});

test('each option sets its setting (percents as fractions, MB as bytes)', () => {
  const s = parse(['--no-serverless-scaling', '--serverless-max-shards', '3', '--serverless-scale-out-memory-percent', '60',
    '--serverless-scale-in-cooldown-ms', '5000', '--serverless-shard-memory-mb', '64', '--serverless-scaling-interval-ms', '500']);
  assert.equal(s.enabled, false);
  assert.equal(s.maxShards, 3);
  assert.equal(s.scaleOutMemory, 0.6);
  assert.equal(s.scaleInCooldownMs, 5000);
  assert.equal(s.shardMemoryBytes, 64 * 1024 ** 2);
  assert.equal(s.evaluateIntervalMs, 500);
});

test('bad values and contradictions are refused with the flag named', () => {
  assert.throws(() => parse(['--serverless-min-shards', '0']), /--serverless-min-shards must be a number between 1 and 500/);
  assert.throws(() => parse(['--serverless-min-shards', '4', '--serverless-max-shards', '2']), /must not exceed/);
  assert.throws(() => parse(['--serverless-scale-in-memory-percent', '80']), /must be under --serverless-scale-out-memory-percent/);
  assert.throws(() => parse(['--serverless-scale-out-ecpu', 'lots']), /--serverless-scale-out-ecpu/);
});
