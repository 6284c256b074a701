// The tags of a resource ARN, for aws:ResourceTag/… conditions: ElastiCache resources' tags
// (the tags record of the resource's canonical ARN) and EC2 security groups' and network
// interfaces' (kept on their records), CloudWatch alarms' and SNS topics' (on their records).
// Undefined for anything else, or a resource not there.
import { parseArn } from '../../core/index.js';
import { readTags, taggedKind } from '../../resources/tags.js';
import type { StateStore, Tag } from '../../store/index.js';

export async function resourceTagsOf(store: StateStore, arn: string): Promise<Tag[] | undefined> {
  const ec2 = /^arn:aws:ec2:[^:]*:\d{12}:(security-group|network-interface)\/(.+)$/.exec(arn);
  if (ec2) {
    const found = await store.get(ec2[1] === 'security-group' ? 'securityGroup' : 'networkInterface', ec2[2]!);
    return found?.doc.tags;
  }
  const alarm = /^arn:aws:cloudwatch:[^:]*:\d{12}:alarm:(.+)$/.exec(arn);
  if (alarm) return (await store.get('alarm', alarm[1]!))?.doc.tags;
  const topic = /^arn:aws:sns:[^:]*:\d{12}:([A-Za-z0-9_-]+)$/.exec(arn);
  if (topic) return (await store.get('snsTopic', topic[1]!))?.doc.tags;
  const kind = taggedKind(arn);
  const id = parseArn(arn)?.id;
  if (!kind || !id) return undefined;
  const found = await store.get(kind, id.toLowerCase());
  const canonical = (found?.doc as { arn?: string } | undefined)?.arn;
  return canonical ? (await readTags(store, canonical)).tags : undefined;
}
