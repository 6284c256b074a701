import { defineSnsAction, pageOf } from '../deps.js';
import type { ListTopicsInput, ListTopicsResponse } from '../model/shapes.js';

export default defineSnsAction<ListTopicsInput, ListTopicsResponse>('ListTopics', async (input, deps) => {
  const topics = (await deps.store.list('snsTopic')).map((t) => t.doc.topicArn).sort();
  const page = pageOf(topics, (a) => a, input.NextToken);
  return { Topics: page.items.map((TopicArn) => ({ TopicArn })), ...(page.NextToken ? { NextToken: page.NextToken } : {}) };
});
