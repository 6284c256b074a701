/**
 * SNS's HTTP/HTTPS message envelopes and their signatures (SignatureVersion 2: SHA256withRSA over
 * the canonical string SNS documents, "Verifying the signatures of Amazon SNS messages"): the
 * fields in alphabetical order, each as `Name\nvalue\n`, Subject only when there is one.
 */
import { createSign, createVerify, randomUUID } from 'node:crypto';

export interface Signer {
  /** The URL a receiver downloads the signing certificate from (served by the service). */
  readonly certUrl: string;
  /** Base64 signature of `text` (SHA256 with the certificate's RSA key). */
  sign(text: string): string;
}

export type Envelope = Record<string, string>;

const NOTIFICATION_FIELDS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'];
const CONFIRMATION_FIELDS = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];

/** The string an envelope's Signature covers. */
export function stringToSign(env: Envelope): string {
  const fields = env.Type === 'Notification' ? NOTIFICATION_FIELDS : CONFIRMATION_FIELDS;
  return fields.filter((f) => env[f] !== undefined).map((f) => `${f}\n${env[f]}\n`).join('');
}

function signed(env: Envelope, signer: Signer): Envelope {
  return { ...env, SignatureVersion: '2', Signature: signer.sign(stringToSign(env)), SigningCertURL: signer.certUrl };
}

export function notificationEnvelope(o: { topicArn: string; message: string; subject?: string; messageId?: string;
  unsubscribeUrl: string; now: Date }, signer: Signer): Envelope {
  return signed({
    Type: 'Notification', MessageId: o.messageId ?? randomUUID(), TopicArn: o.topicArn,
    ...(o.subject !== undefined ? { Subject: o.subject } : {}),
    Message: o.message, Timestamp: o.now.toISOString(), UnsubscribeURL: o.unsubscribeUrl,
  }, signer);
}

export function confirmationEnvelope(o: { topicArn: string; token: string; subscribeUrl: string; now: Date }, signer: Signer): Envelope {
  return signed({
    Type: 'SubscriptionConfirmation', MessageId: randomUUID(), Token: o.token, TopicArn: o.topicArn,
    Message: `You have chosen to subscribe to the topic ${o.topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
    SubscribeURL: o.subscribeUrl, Timestamp: o.now.toISOString(),
  }, signer);
}

/** A signer with a PEM private key, its certificate served at `certUrl`. */
export function pemSigner(keyPem: string, certUrl: string): Signer {
  return { certUrl, sign: (text) => createSign('RSA-SHA256').update(text, 'utf8').sign(keyPem, 'base64') };
}

/** What a receiver does: checks an envelope's signature with the signing certificate (PEM). */
export function verifyEnvelope(env: Envelope, certPem: string): boolean {
  if (env.SignatureVersion !== '2' || !env.Signature) return false;
  return createVerify('RSA-SHA256').update(stringToSign(env), 'utf8').verify(certPem, env.Signature, 'base64');
}
