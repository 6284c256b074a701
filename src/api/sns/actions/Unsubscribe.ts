import { defineSnsAction } from '../deps.js';
import { SnsErrors } from '../errors.js';
import type { UnsubscribeInput } from '../model/shapes.js';

export default defineSnsAction<UnsubscribeInput, void>('Unsubscribe', async (input, deps) => {
  const parts = input.SubscriptionArn.split(':');
  if (parts.length !== 7 || parts[0] !== 'arn' || parts[2] !== 'sns') {
    throw SnsErrors.invalidParameter('Invalid parameter: SubscriptionArn Reason: An ARN must have 7 elements for a subscription');
  }
  const sub = await deps.store.get('snsSubscription', parts[6]!);
  if (!sub || `${sub.doc.topicArn}:${sub.id}` !== input.SubscriptionArn) throw SnsErrors.notFound('Subscription does not exist');
  await deps.store.commit([{ op: 'delete', kind: 'snsSubscription', id: sub.id, expectVersion: sub.version }]);
});
