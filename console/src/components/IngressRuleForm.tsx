import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { EMPTY_INGRESS, INGRESS_FIELDS, ingressParams, type IngressValues } from '../security-groups.js';
import { useSubmit } from '../use-submit.js';
import { Field, described } from './Field.js';

/** A new inbound rule of a security group (AuthorizeSecurityGroupIngress): protocol, ports, source. */
export function IngressRuleForm({ groupId, onAdded }: { groupId: string; onAdded: () => void }) {
  const [v, setV] = useState<IngressValues>(EMPTY_INGRESS);
  const { busy, errors, run } = useSubmit(INGRESS_FIELDS);
  const p = `ingress-${groupId}`;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (await run(() => call('AuthorizeSecurityGroupIngress', ingressParams(groupId, v), 'ec2').then(() => {}))) {
      setV(EMPTY_INGRESS);
      onAdded();
    }
  };
  return (
    <form class="inline-form" onSubmit={submit} noValidate aria-label={`Add an inbound rule to ${groupId}`}>
      <Field id={`${p}-protocol`} label="Protocol" error={errors.protocol}>
        <select {...described(`${p}-protocol`, errors.protocol)} value={v.protocol} onChange={(e) => setV({ ...v, protocol: e.currentTarget.value })}>
          <option value="tcp">TCP</option><option value="udp">UDP</option><option value="icmp">ICMP</option><option value="-1">All traffic</option>
        </select>
      </Field>
      <Field id={`${p}-ports`} label="Port range" error={errors.ports} hint="6379, or 6379-6380">
        <input {...described(`${p}-ports`, errors.ports, 'hint')} value={v.ports} disabled={v.protocol === '-1'} onInput={(e) => setV({ ...v, ports: e.currentTarget.value })} />
      </Field>
      <Field id={`${p}-source`} label="Source" error={errors.source} hint="A CIDR (10.0.0.0/16) or a security group ID (sg-…)">
        <input {...described(`${p}-source`, errors.source, 'hint')} value={v.source} spellcheck={false} onInput={(e) => setV({ ...v, source: e.currentTarget.value })} />
      </Field>
      <button type="submit" disabled={busy}>{busy ? 'Adding…' : 'Add inbound rule'}</button>
      {errors.form && <p class="error" role="alert">{errors.form}</p>}
    </form>
  );
}
