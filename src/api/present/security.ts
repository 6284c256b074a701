import type { AuthTokenUpdateStatus, TransitEncryptionMode } from '../model/shapes.js';
import { authTokenEnabled } from '../../security/auth-token.js';
import { transitModeOf } from '../../engine/transit.js';
import type { AuthTokenState, CacheClusterRecord, CacheSettings } from '../../store/index.js';

/**
 * The security members of a group or cluster: whether an AUTH token is enabled and when it last
 * changed (never the token: the records do not even hold it), TLS in transit and its mode.
 */
export function presentSecurity(s: CacheSettings): {
  AuthTokenEnabled: boolean; AuthTokenLastModifiedDate?: string; TransitEncryptionEnabled: boolean; TransitEncryptionMode?: TransitEncryptionMode;
} {
  return {
    AuthTokenEnabled: authTokenEnabled(s.auth),
    ...(s.auth && authTokenEnabled(s.auth) ? { AuthTokenLastModifiedDate: s.auth.lastModifiedDate } : {}),
    TransitEncryptionEnabled: s.transitEncryptionEnabled,
    ...(s.transitEncryptionEnabled ? { TransitEncryptionMode: s.transitEncryptionMode ?? 'required' } : {}),
  };
}

/**
 * PendingModifiedValues.AuthTokenStatus: ROTATING or SETTING while a token update made by a
 * modify call is not yet live on every node of `clusters`.
 */
export function authTokenStatus(auth: AuthTokenState | undefined, clusters: CacheClusterRecord[]): { AuthTokenStatus?: AuthTokenUpdateStatus } {
  if (!auth?.lastStrategy) return {};
  const applying = clusters.some((c) => c.appliedAuthVersion !== auth.version);
  if (!applying) return {};
  return { AuthTokenStatus: auth.lastStrategy === 'ROTATE' ? 'ROTATING' : 'SETTING' };
}

/**
 * PendingModifiedValues.TransitEncryptionEnabled/Mode: the settings asked for, while some node of
 * `clusters` does not serve them yet (the reconciler moves each node live, one step at a time).
 */
export function transitPending(s: CacheSettings, clusters: CacheClusterRecord[]): { TransitEncryptionEnabled?: boolean; TransitEncryptionMode?: TransitEncryptionMode } {
  const want = transitModeOf(s);
  const behind = clusters.some((c) => c.nodes.some((n) => (n.transit ?? want) !== want));
  if (!behind) return {};
  return { TransitEncryptionEnabled: s.transitEncryptionEnabled, ...(s.transitEncryptionEnabled ? { TransitEncryptionMode: s.transitEncryptionMode ?? 'required' } : {}) };
}
