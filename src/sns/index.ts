/** SNS deliveries (issue 13): signed envelopes, the signing certificate, HTTP delivery with retries. */
export { SnsDelivery, type DeliveryOptions } from './delivery.js';
export { confirmationEnvelope, notificationEnvelope, pemSigner, stringToSign, verifyEnvelope, type Envelope, type Signer } from './envelope.js';
export { ensureSigningCertificate, type SigningCertificate } from './signing-cert.js';
export { elastiCacheEventName, elastiCacheNotifier } from './elasticache-events.js';
