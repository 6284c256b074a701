import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeInput } from '../../src/api/codec/query-decode.js';
import { addTagParams, removeTagParams, tagFieldOfError } from './tags.js';

const ARN = 'arn:aws:elasticache:us-east-1:000000000000:replicationgroup:web';

test("the tag requests decode with the API's own Query decoder", () => {
  assert.deepEqual(decodeInput('AddTagsToResource', Object.entries(addTagParams(ARN, ' team ', ' web '))),
    { ResourceName: ARN, Tags: [{ Key: 'team', Value: 'web' }] });
  assert.deepEqual(decodeInput('RemoveTagsFromResource', Object.entries(removeTagParams(ARN, 'team'))),
    { ResourceName: ARN, TagKeys: ['team'] });
});

test("a tag error is shown beside the value when it is about the value, else beside the key (the API's messages)", () => {
  assert.equal(tagFieldOfError("Tag keys must be 1 to 128 characters long (got '')."), 'key');
  assert.equal(tagFieldOfError("Tag key 'aws:x' is invalid: the prefix 'aws:' is reserved for AWS use."), 'key');
  assert.equal(tagFieldOfError("The value of tag 'team' is longer than 256 characters."), 'value');
  assert.equal(tagFieldOfError("Tag 'a' is invalid: keys and values may contain letters, digits, spaces and _ . : / = + - @ only."), 'key');
});
