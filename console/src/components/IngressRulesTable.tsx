import { useState } from 'preact/hooks';
import { ApiError, call } from '../api.js';
import { ingressParams, protocolLabel, rulesOf, type IngressRule } from '../security-groups.js';
import type { IpPermission } from '../types.js';

/** A security group's inbound rules, one a source, each with its revoke. */
export function IngressRulesTable({ groupId, permissions, onChanged }: { groupId: string; permissions?: IpPermission[]; onChanged: () => void }) {
  const [error, setError] = useState('');
  const rules = rulesOf(permissions);
  const revoke = async (r: IngressRule) => {
    setError('');
    try {
      await call('RevokeSecurityGroupIngress', ingressParams(groupId, r), 'ec2');
      onChanged();
    } catch (err) {
      setError(err instanceof ApiError ? `${err.message} (${err.code})` : String(err));
    }
  };
  if (rules.length === 0) return <p class="muted">No inbound rules: nothing reaches caches in this group.</p>;
  return (
    <>
      <div class="table-wrap">
        <table>
          <thead><tr><th scope="col">Protocol</th><th scope="col">Ports</th><th scope="col">Source</th><th scope="col">Actions</th></tr></thead>
          <tbody>
            {rules.map((r) => (
              <tr key={r.key} data-rule={r.key}>
                <td>{protocolLabel(r.protocol)}</td>
                <td>{r.ports || 'All'}</td>
                <td class="mono">{r.source}</td>
                <td><button type="button" onClick={() => void revoke(r)}>Revoke<span class="visually-hidden"> {protocolLabel(r.protocol)} {r.ports} from {r.source}</span></button></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
    </>
  );
}
