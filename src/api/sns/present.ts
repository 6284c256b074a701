import type { SnsSubscriptionRecord } from '../../store/index.js';
import type { Subscription } from './model/shapes.js';

/** A subscription as ListSubscriptions shows it (`PendingConfirmation` until confirmed). */
export function presentSubscription(s: SnsSubscriptionRecord): Subscription {
  return { SubscriptionArn: s.confirmed ? `${s.topicArn}:${s.id}` : 'PendingConfirmation', Owner: s.owner, Protocol: s.protocol, Endpoint: s.endpoint, TopicArn: s.topicArn };
}
