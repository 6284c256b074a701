import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { createSecurityGroupParams, SECURITY_GROUP_FIELDS } from '../security-groups.js';
import { useSubmit } from '../use-submit.js';
import { Field, described } from './Field.js';

/** A new security group (EC2's CreateSecurityGroup, in the installation's VPC): name and description. */
export function CreateSecurityGroupForm({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const { busy, errors, run } = useSubmit(SECURITY_GROUP_FIELDS);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (await run(() => call('CreateSecurityGroup', createSecurityGroupParams(name, description), 'ec2').then(() => {}))) {
      setName('');
      setDescription('');
      onCreated();
    }
  };
  return (
    <form class="inline-form" onSubmit={submit} noValidate aria-label="Create a security group">
      <Field id="sg-name" label="Security group name" error={errors.name}>
        <input {...described('sg-name', errors.name)} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
      <Field id="sg-description" label="Description" error={errors.description}>
        <input {...described('sg-description', errors.description)} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      </Field>
      <button type="submit" disabled={busy}>{busy ? 'Creating…' : 'Create security group'}</button>
      {errors.form && <p class="error" role="alert">{errors.form}</p>}
    </form>
  );
}
