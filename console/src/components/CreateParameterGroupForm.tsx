import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { createParameterGroupParams } from '../parameter-groups.js';
import { useSubmit } from '../use-submit.js';
import { Field, described } from './Field.js';

const FIELDS = {
  name: ['CacheParameterGroupName', 'CacheParameterGroupAlreadyExistsFault', 'CacheParameterGroupQuotaExceededFault'],
  family: ['CacheParameterGroupFamily'],
  description: ['Description'],
};

/** A new parameter group: name, family (those the service offers) and description. */
export function CreateParameterGroupForm({ families, onCreated }: { families: string[]; onCreated: (name: string) => void }) {
  const [v, setV] = useState({ name: '', family: '', description: '' });
  const { busy, errors, run } = useSubmit(FIELDS);
  const family = v.family || families.at(-1) || '';
  const submit = async (e: Event) => {
    e.preventDefault();
    const p = createParameterGroupParams({ ...v, family });
    if (await run(() => call('CreateCacheParameterGroup', p).then(() => {}))) onCreated(p.CacheParameterGroupName!);
  };
  return (
    <form class="inline-form" onSubmit={submit} noValidate aria-label="Create a parameter group">
      <Field id="pg-name" label="Parameter group name" error={errors.name}>
        <input {...described('pg-name', errors.name)} value={v.name} onInput={(e) => setV({ ...v, name: e.currentTarget.value })} />
      </Field>
      <Field id="pg-family" label="Family" error={errors.family}>
        <select {...described('pg-family', errors.family)} value={family} onChange={(e) => setV({ ...v, family: e.currentTarget.value })}>
          {families.map((f) => <option key={f} value={f}>{f}</option>)}
        </select>
      </Field>
      <Field id="pg-description" label="Description" error={errors.description}>
        <input {...described('pg-description', errors.description)} value={v.description} onInput={(e) => setV({ ...v, description: e.currentTarget.value })} />
      </Field>
      <button type="submit" disabled={busy}>{busy ? 'Creating…' : 'Create parameter group'}</button>
      {errors.form && <p class="error" role="alert">{errors.form}</p>}
    </form>
  );
}
