// Checks CreateUser's input beyond the model's constraints.
import { iamFault } from '../../../iam/index.js';
import type { Tag } from '../model/shapes.js';

/** IAM's quota of users per account. */
export const MAX_USERS = 5000;

export function checkTags(tags: Tag[] | undefined): Array<{ Key: string; Value: string }> {
  const out: Array<{ Key: string; Value: string }> = [];
  const seen = new Set<string>();
  for (const t of tags ?? []) {
    if (t.Key.toLowerCase().startsWith('aws:')) throw iamInvalid(`Tag key ${t.Key} is invalid: the prefix 'aws:' is reserved for AWS use.`);
    if (seen.has(t.Key.toLowerCase())) throw iamInvalid(`Duplicate tag key ${t.Key}: tag keys must be unique regardless of case.`);
    seen.add(t.Key.toLowerCase());
    out.push({ Key: t.Key, Value: t.Value });
  }
  return out;
}

const iamInvalid = (message: string) => iamFault('InvalidInputException', message);
