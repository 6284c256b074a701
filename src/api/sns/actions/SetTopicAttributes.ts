import { defineSnsAction, requireTopic } from '../deps.js';
import { SnsErrors } from '../errors.js';
import type { SetTopicAttributesInput } from '../model/shapes.js';

const SETTABLE = new Set(['DisplayName', 'Policy', 'DeliveryPolicy']);

export default defineSnsAction<SetTopicAttributesInput, void>('SetTopicAttributes', async (input, deps) => {
  if (!SETTABLE.has(input.AttributeName)) {
    throw SnsErrors.invalidParameter(`Invalid parameter: AttributeName (cachefleet's topics take ${[...SETTABLE].join(', ')})`);
  }
  const v = input.AttributeValue ?? '';
  if ((input.AttributeName === 'Policy' || input.AttributeName === 'DeliveryPolicy') && v !== '') {
    try { JSON.parse(v); } catch { throw SnsErrors.invalidParameter(`Invalid parameter: ${input.AttributeName}: the value is not valid JSON`); }
  }
  const topic = await requireTopic(deps, input.TopicArn);
  await deps.store.commit([{ op: 'update', kind: 'snsTopic', id: topic.id, expectVersion: topic.version,
    doc: { ...topic.doc, attributes: { ...topic.doc.attributes, [input.AttributeName]: v } } }]);
});
