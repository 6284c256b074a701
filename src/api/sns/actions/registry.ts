import type { ActionRegistry } from '../../types.js';
import type { SnsActionFactory, SnsDeps } from '../deps.js';
import ConfirmSubscription from './ConfirmSubscription.js';
import CreateTopic from './CreateTopic.js';
import DeleteTopic from './DeleteTopic.js';
import GetTopicAttributes from './GetTopicAttributes.js';
import ListSubscriptions from './ListSubscriptions.js';
import ListSubscriptionsByTopic from './ListSubscriptionsByTopic.js';
import ListTopics from './ListTopics.js';
import Publish from './Publish.js';
import SetTopicAttributes from './SetTopicAttributes.js';
import Subscribe from './Subscribe.js';
import Unsubscribe from './Unsubscribe.js';

/** The SNS actions served on the endpoint (Version=2010-03-31): every operation of src/api/sns/model. */
export const SNS_ACTIONS: SnsActionFactory[] = [
  CreateTopic, ListTopics, GetTopicAttributes, SetTopicAttributes, DeleteTopic,
  Subscribe, ConfirmSubscription, ListSubscriptions, ListSubscriptionsByTopic, Unsubscribe, Publish,
];

export function buildSnsRegistry(deps: SnsDeps): ActionRegistry {
  return new Map(SNS_ACTIONS.map((f) => { const h = f(deps); return [h.name, h]; }));
}
