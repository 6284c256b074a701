import { defineSnsAction, requireTopic } from '../deps.js';
import { SnsErrors } from '../errors.js';
import type { ConfirmSubscriptionInput, ConfirmSubscriptionResponse } from '../model/shapes.js';

export default defineSnsAction<ConfirmSubscriptionInput, ConfirmSubscriptionResponse>('ConfirmSubscription', async (input, deps) => {
  await requireTopic(deps, input.TopicArn);
  const sub = (await deps.store.list('snsSubscription')).find((s) => s.doc.topicArn === input.TopicArn && s.doc.token === input.Token);
  if (!sub) throw SnsErrors.invalidParameter('Invalid token');
  if (!sub.doc.confirmed) {
    await deps.store.commit([{ op: 'update', kind: 'snsSubscription', id: sub.id, expectVersion: sub.version, doc: { ...sub.doc, confirmed: true } }]);
  }
  return { SubscriptionArn: `${input.TopicArn}:${sub.id}` };
});
