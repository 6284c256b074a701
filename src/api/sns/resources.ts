// The resource each SNS action acts on: the topic (a subscription's topic for Unsubscribe), the
// topic to be made for CreateTopic, `*` for the account-wide lists.
import type { ArnScope } from '../types.js';

export function topicArn(scope: ArnScope, name: string): string {
  return `arn:aws:sns:${scope.region}:${scope.accountId}:${name}`;
}

export function snsResources(action: string, input: unknown, scope: ArnScope): string[] {
  const f = (input ?? {}) as { Name?: string; TopicArn?: string; TargetArn?: string; SubscriptionArn?: string };
  switch (action) {
    case 'CreateTopic': return [topicArn(scope, String(f.Name))];
    case 'ListTopics': case 'ListSubscriptions': return ['*'];
    case 'Unsubscribe': return [String(f.SubscriptionArn).split(':').slice(0, 6).join(':')];
    case 'Publish': return [String(f.TopicArn ?? f.TargetArn ?? '*')];
    default: return [String(f.TopicArn)];
  }
}
