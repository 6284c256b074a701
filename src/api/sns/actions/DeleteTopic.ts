import type { WriteOp } from '../../../store/index.js';
import { defineSnsAction } from '../deps.js';
import type { DeleteTopicInput } from '../model/shapes.js';

/** Deletes the topic and its subscriptions; deleting a topic that does not exist succeeds, as in SNS. */
export default defineSnsAction<DeleteTopicInput, void>('DeleteTopic', async (input, deps) => {
  const name = input.TopicArn.split(':')[5];
  const topic = name ? await deps.store.get('snsTopic', name) : undefined;
  if (!topic || topic.doc.topicArn !== input.TopicArn) return;
  const subs = (await deps.store.list('snsSubscription')).filter((s) => s.doc.topicArn === input.TopicArn);
  const ops: WriteOp[] = [{ op: 'delete', kind: 'snsTopic', id: topic.id, expectVersion: topic.version },
    ...subs.map((s) => ({ op: 'delete' as const, kind: 'snsSubscription' as const, id: s.id, expectVersion: s.version }))];
  await deps.store.commit(ops);
});
