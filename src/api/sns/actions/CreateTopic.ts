import type { SnsTopicRecord } from '../../../store/index.js';
import { defineSnsAction } from '../deps.js';
import { SnsErrors } from '../errors.js';
import type { CreateTopicInput, CreateTopicResponse } from '../model/shapes.js';
import { topicArn } from '../resources.js';

/** SNS's quota of standard topics per account (100,000), kept far lower here. */
export const MAX_TOPICS = 1000;
const ATTRIBUTES = new Set(['DisplayName', 'Policy', 'DeliveryPolicy']);

/** Idempotent, as SNS: creating a topic that exists with the same attributes answers its ARN. */
export default defineSnsAction<CreateTopicInput, CreateTopicResponse>('CreateTopic', async (input, deps) => {
  if (!/^[A-Za-z0-9_-]{1,256}$/.test(input.Name)) {
    throw SnsErrors.invalidParameter('Invalid parameter: Topic Name');
  }
  for (const k of Object.keys(input.Attributes ?? {})) {
    if (!ATTRIBUTES.has(k)) throw SnsErrors.invalidParameter(`Invalid parameter: Attributes Reason: Unknown attribute ${k} (cachefleet's topics take ${[...ATTRIBUTES].join(', ')}; FIFO topics are not supported)`);
  }
  const arn = topicArn(deps.scope, input.Name);
  const existing = await deps.store.get('snsTopic', input.Name);
  if (existing) {
    const same = Object.entries(input.Attributes ?? {}).every(([k, v]) => existing.doc.attributes[k] === v);
    if (!same) throw SnsErrors.invalidParameter('Invalid parameter: Attributes Reason: Topic already exists with different attributes');
    return { TopicArn: arn };
  }
  if ((await deps.store.list('snsTopic')).length >= MAX_TOPICS) throw SnsErrors.topicLimitExceeded();
  const doc: SnsTopicRecord = { name: input.Name, topicArn: arn, attributes: { ...(input.Attributes ?? {}) }, tags: input.Tags ?? [], createdAt: deps.now().toISOString() };
  await deps.store.commit([{ op: 'create', kind: 'snsTopic', id: input.Name, doc }]);
  return { TopicArn: arn };
});
