// EC2 tags: TagSpecifications on create, CreateTags / DeleteTags, EC2's limits.
import { mergeTags } from '../../resources/tags.js';
import type { Tag } from '../../store/index.js';
import type { Tag as TagInput, TagSpecification } from './model/shapes.js';
import { clip, ec2Error, Ec2Errors } from './errors.js';

/** EC2's limits: 50 tags per resource, keys up to 127 characters, values up to 256. */
export const MAX_TAGS = 50;
const MAX_KEY = 127;
const MAX_VALUE = 256;

export function validateTag(tag: TagInput): Tag & { Value: string } {
  const key = tag.Key;
  if (key === undefined || key === '') throw Ec2Errors.missingParameter('Tag.Key');
  if (key.length > MAX_KEY) throw Ec2Errors.invalidValue(`Tag key exceeds the maximum length of ${MAX_KEY} characters: '${clip(key)}'`);
  if (key.toLowerCase().startsWith('aws:')) {
    throw Ec2Errors.invalidValue(`Tag keys starting with 'aws:' are reserved for internal use: '${clip(key)}'`);
  }
  const value = tag.Value ?? '';
  if (value.length > MAX_VALUE) throw Ec2Errors.invalidValue(`Tag value exceeds the maximum length of ${MAX_VALUE} characters (key '${clip(key)}')`);
  return { Key: key, Value: value };
}

/** `added` over `existing` for `resourceId`, refused past the limit. */
export function withTags(resourceId: string, existing: Tag[], added: Tag[]): Tag[] {
  const tags = mergeTags(existing, added);
  if (tags.length > MAX_TAGS) {
    throw ec2Error('TagLimitExceeded', `The maximum number of tags (${MAX_TAGS}) for resource ${resourceId} would be exceeded (${tags.length}).`);
  }
  return tags;
}

/** The tags TagSpecifications give a new resource of `resourceType` ('security-group', 'network-interface'). */
export function tagsOnCreate(specs: TagSpecification[] | undefined, resourceType: string): Tag[] {
  let tags: Tag[] = [];
  for (const spec of specs ?? []) {
    if (spec.ResourceType === undefined) throw Ec2Errors.missingParameter('TagSpecification.ResourceType');
    if (spec.ResourceType !== resourceType) {
      throw Ec2Errors.invalidValue(`'${spec.ResourceType}' is not a valid taggable resource type for this operation (it creates a ${resourceType}).`);
    }
    tags = withTags('(new)', tags, (spec.Tags ?? []).map(validateTag));
  }
  return tags;
}

/**
 * DeleteTags on one resource: no tags given removes every tag; a tag with a Value removes the
 * key only when its value is that value; a tag without one removes the key whatever its value.
 */
export function withoutTags(existing: Tag[], removed: TagInput[] | undefined): Tag[] {
  if (removed === undefined || removed.length === 0) return [];
  return existing.filter((t) => !removed.some((r) => r.Key === t.Key && (r.Value === undefined || r.Value === (t.Value ?? ''))));
}
