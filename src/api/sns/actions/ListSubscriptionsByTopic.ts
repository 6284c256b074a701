import { defineSnsAction, pageOf, requireTopic } from '../deps.js';
import type { ListSubscriptionsByTopicInput, ListSubscriptionsByTopicResponse } from '../model/shapes.js';
import { presentSubscription } from '../present.js';

export default defineSnsAction<ListSubscriptionsByTopicInput, ListSubscriptionsByTopicResponse>('ListSubscriptionsByTopic', async (input, deps) => {
  await requireTopic(deps, input.TopicArn);
  const subs = (await deps.store.list('snsSubscription')).map((s) => s.doc).filter((s) => s.topicArn === input.TopicArn);
  const page = pageOf(subs, (s) => s.id, input.NextToken);
  return { Subscriptions: page.items.map(presentSubscription), ...(page.NextToken ? { NextToken: page.NextToken } : {}) };
});
