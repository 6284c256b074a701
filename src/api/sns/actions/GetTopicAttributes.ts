import { defineSnsAction, requireTopic } from '../deps.js';
import type { GetTopicAttributesInput, GetTopicAttributesResponse } from '../model/shapes.js';

export default defineSnsAction<GetTopicAttributesInput, GetTopicAttributesResponse>('GetTopicAttributes', async (input, deps) => {
  const topic = await requireTopic(deps, input.TopicArn);
  const subs = (await deps.store.list('snsSubscription')).filter((s) => s.doc.topicArn === input.TopicArn);
  const confirmed = subs.filter((s) => s.doc.confirmed).length;
  return {
    Attributes: {
      TopicArn: topic.doc.topicArn, Owner: deps.scope.accountId, DisplayName: '',
      Policy: defaultPolicy(topic.doc.topicArn, deps.scope.accountId),
      SubscriptionsConfirmed: String(confirmed), SubscriptionsPending: String(subs.length - confirmed), SubscriptionsDeleted: '0',
      EffectiveDeliveryPolicy: JSON.stringify({ http: { defaultHealthyRetryPolicy: { minDelayTarget: 1, maxDelayTarget: 8, numRetries: 3, numMaxDelayRetries: 0, numNoDelayRetries: 0, numMinDelayRetries: 0, backoffFunction: 'exponential' }, disableSubscriptionOverrides: false } }),
      ...topic.doc.attributes,
    },
  };
});

function defaultPolicy(arn: string, account: string): string {
  return JSON.stringify({ Version: '2008-10-17', Id: '__default_policy_ID', Statement: [{ Sid: '__default_statement_ID', Effect: 'Allow',
    Principal: { AWS: '*' }, Action: ['SNS:Publish', 'SNS:Subscribe', 'SNS:GetTopicAttributes'], Resource: arn,
    Condition: { StringEquals: { 'AWS:SourceOwner': account } } }] });
}
