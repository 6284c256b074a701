import { defineSnsAction, requireTopic } from '../deps.js';
import { SnsErrors } from '../errors.js';
import type { PublishInput, PublishResponse } from '../model/shapes.js';

/** SNS's largest message: 256 KiB. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

export default defineSnsAction<PublishInput, PublishResponse>('Publish', async (input, deps) => {
  if (input.PhoneNumber !== undefined) throw SnsErrors.invalidParameter('Invalid parameter: PhoneNumber Reason: SMS is not supported by cachefleet');
  const arn = input.TopicArn ?? input.TargetArn;
  if (arn === undefined) throw SnsErrors.invalidParameter('Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter');
  if (input.TopicArn !== undefined && input.TargetArn !== undefined) throw SnsErrors.invalidParameter('Invalid parameter: TopicArn Reason: Only one of TopicArn and TargetArn may be given');
  if (input.Message === '') throw SnsErrors.invalidParameter('Invalid parameter: Message Reason: Empty message');
  if (Buffer.byteLength(input.Message) > MAX_MESSAGE_BYTES) throw SnsErrors.invalidParameter('Invalid parameter: Message too long');
  if (input.Subject !== undefined && (input.Subject.length > 100 || !/^[\x20-\x7e]*$/.test(input.Subject))) {
    throw SnsErrors.invalidParameter('Invalid parameter: Subject Reason: must be at most 100 printable ASCII characters');
  }
  if (input.MessageGroupId !== undefined || input.MessageDeduplicationId !== undefined) {
    throw SnsErrors.invalidParameter('Invalid parameter: MessageGroupId Reason: The request includes MessageGroupId parameter that is not valid for this topic type');
  }
  let message = input.Message;
  if (input.MessageStructure !== undefined) {
    if (input.MessageStructure !== 'json') throw SnsErrors.invalidParameter('Invalid parameter: MessageStructure');
    let doc: Record<string, unknown>;
    try { doc = JSON.parse(input.Message); } catch { throw SnsErrors.invalidParameter('Invalid parameter: Message Structure - JSON message body failed to parse'); }
    if (typeof doc.default !== 'string') throw SnsErrors.invalidParameter('Invalid parameter: Message Structure - No default entry in JSON message body');
    message = typeof doc.http === 'string' ? doc.http : doc.default;
  }
  await requireTopic(deps, arn, input.TopicArn !== undefined ? 'TopicArn' : 'TargetArn');
  const MessageId = await deps.delivery.publish(arn, message, input.Subject);
  return { MessageId };
});
