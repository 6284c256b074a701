import { randomBytes, randomUUID } from 'node:crypto';
import type { SnsSubscriptionRecord } from '../../../store/index.js';
import { defineSnsAction, requireTopic } from '../deps.js';
import { SnsErrors } from '../errors.js';
import type { SubscribeInput, SubscribeResponse } from '../model/shapes.js';

/**
 * HTTP/HTTPS subscriptions only (the only protocols a self-hosted service can deliver to without
 * another AWS service). The endpoint is sent a SubscriptionConfirmation; until it confirms, the
 * subscription is "pending confirmation" and gets nothing.
 */
export default defineSnsAction<SubscribeInput, SubscribeResponse>('Subscribe', async (input, deps) => {
  const protocol = input.Protocol.toLowerCase();
  if (protocol !== 'http' && protocol !== 'https') {
    throw SnsErrors.invalidParameter(`Invalid parameter: Protocol Reason: cachefleet delivers to http and https endpoints only, not ${input.Protocol}`);
  }
  let url: URL;
  try { url = new URL(input.Endpoint ?? ''); } catch { throw SnsErrors.invalidParameter('Invalid parameter: Endpoint Reason: not a URL'); }
  if (url.protocol !== `${protocol}:`) throw SnsErrors.invalidParameter(`Invalid parameter: Endpoint must match the specified protocol`);
  const raw = input.Attributes?.RawMessageDelivery;
  for (const k of Object.keys(input.Attributes ?? {})) {
    if (k !== 'RawMessageDelivery') throw SnsErrors.invalidParameter(`Invalid parameter: Attributes Reason: cachefleet does not support the subscription attribute ${k}`);
  }
  await requireTopic(deps, input.TopicArn);
  const existing = (await deps.store.list('snsSubscription')).find((s) => s.doc.topicArn === input.TopicArn && s.doc.endpoint === input.Endpoint && s.doc.protocol === protocol);
  if (existing) {
    return { SubscriptionArn: existing.doc.confirmed || input.ReturnSubscriptionArn ? `${input.TopicArn}:${existing.id}` : 'pending confirmation' };
  }
  const id = randomUUID();
  const doc: SnsSubscriptionRecord = {
    id, topicArn: input.TopicArn, protocol, endpoint: input.Endpoint!, owner: deps.scope.accountId,
    token: randomBytes(64).toString('hex'), confirmed: false, rawMessageDelivery: raw === 'true', createdAt: deps.now().toISOString(),
  };
  await deps.store.commit([{ op: 'create', kind: 'snsSubscription', id, doc }]);
  deps.delivery.confirm(doc);
  return { SubscriptionArn: input.ReturnSubscriptionArn ? `${input.TopicArn}:${id}` : 'pending confirmation' };
});
