// The tags section's requests (pure: tested against the API's own decoder).
import type { Params } from './metric-queries.js';

/** AddTagsToResource's parameters: one tag (the value may be empty, as AWS allows). */
export function addTagParams(arn: string, key: string, value: string): Params {
  return { ResourceName: arn, 'Tags.Tag.1.Key': key.trim(), 'Tags.Tag.1.Value': value.trim() };
}

/** RemoveTagsFromResource's parameters: one key. */
export function removeTagParams(arn: string, key: string): Params {
  return { ResourceName: arn, 'TagKeys.member.1': key };
}

/** The tag form's field an API error is about: the key unless it names the value. */
export function tagFieldOfError(message: string): 'key' | 'value' {
  return /\b[Vv]alue\b/.test(message) && !/\b[Kk]eys?\b/.test(message) ? 'value' : 'key';
}
