import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFilterPattern, FilterPatternError } from './filter-pattern.js';

const slow = JSON.stringify({ CacheClusterId: 'c-001', Id: 7, Duration: 1500, Command: 'set (2 more arguments)', ClientName: '', ok: true, nil: null, nested: { n: 3 } });

describe('filter patterns', () => {
  const cases: [string, string, boolean][] = [
    ['', 'anything', true],
    ['ERROR', 'an ERROR here', true],
    ['ERROR', 'an error here', false],
    ['ERROR disk', 'ERROR: disk full', true],
    ['ERROR disk', 'ERROR: net down', false],
    ['"disk full"', 'ERROR: disk full', true],
    ['"disk full"', 'full disk', false],
    ['?ERROR ?WARN', 'WARN x', true],
    ['?ERROR ?WARN', 'INFO x', false],
    ['ERROR -timeout', 'ERROR timeout', false],
    ['ERROR -timeout', 'ERROR refused', true],
    ['{ $.Duration > 1000 }', slow, true],
    ['{ $.Duration >= 1500 && $.Id = 7 }', slow, true],
    ['{ $.Duration < 1000 || $.Id != 7 }', slow, false],
    ['{ ($.Duration < 1000 || $.Id = 7) && $.CacheClusterId = "c-*" }', slow, true],
    ['{ $.Command = "set*" }', slow, true],
    ['{ $.Command = "get*" }', slow, false],
    ['{ $.Command != "get*" }', slow, true],
    ['{ $.nested.n = 3 }', slow, true],
    ['{ $.missing EXISTS }', slow, false],
    ['{ $.missing NOT EXISTS }', slow, true],
    ['{ $.nil IS NULL }', slow, true],
    ['{ $.ok IS TRUE }', slow, true],
    ['{ $.Duration > 1 }', 'not json', false],
  ];
  for (const [pattern, message, want] of cases) {
    it(`${JSON.stringify(pattern)} on ${message.slice(0, 30)} → ${want}`, () => {
      assert.equal(compileFilterPattern(pattern)(message), want);
    });
  }

  for (const bad of ['{ $.a = 1', '{ a = 1 }', '{ $.a > "x" }', '{ $.a = 1 } extra', '[a, b]', '{ $.a = }', 'foo"bar']) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(() => compileFilterPattern(bad), FilterPatternError);
    });
  }
});
