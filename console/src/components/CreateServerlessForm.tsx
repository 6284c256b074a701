import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { useSubmit } from '../use-submit.js';
import { EMPTY_SERVERLESS, fieldOfServerlessError, SERVERLESS_MAJOR_VERSIONS, serverlessCreateParams, type ServerlessValues } from '../create-serverless.js';
import { serverlessHref } from '../router.js';
import { described, Field } from './Field.js';
import { SecurityGroupsPicker } from './SecurityGroupsPicker.js';
import { UserGroupSelect } from './UserGroupSelect.js';
import { CreateFormFooter } from './CreateFormFooter.js';

/**
 * The create form's serverless path: only what CreateServerlessCache takes (no node type, shards
 * or replicas: the service sizes the cache within the usage limits). The API validates; its
 * message is shown beside the field it names. Created, the cache's page shows it becoming available.
 */
export function CreateServerlessForm() {
  const [v, setV] = useState<ServerlessValues>(EMPTY_SERVERLESS);
  const { busy, errors, run } = useSubmit<keyof ServerlessValues>(fieldOfServerlessError, { focusField: true });
  const set = (k: Exclude<keyof ServerlessValues, 'securityGroups'>) => (e: Event) => {
    const value = (e.currentTarget as HTMLInputElement).value;
    setV((old) => ({ ...old, [k]: value }));
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    if (await run(() => call('CreateServerlessCache', serverlessCreateParams(v)).then(() => undefined))) location.hash = serverlessHref(v.name.trim());
  };
  const err = errors;
  const text = (id: Exclude<keyof ServerlessValues, 'securityGroups' | 'userGroup' | 'majorEngineVersion'>, label: string, hint?: string, numeric = false) => (
    <Field id={id} label={label} error={err[id]} hint={hint}>
      <input {...described(id, err[id], hint)} {...(numeric ? { inputMode: 'numeric' as const } : {})} value={v[id]} onInput={set(id)} spellcheck={false} />
    </Field>
  );
  return (
    <form class="create" onSubmit={submit} noValidate aria-label="Create a serverless cache">
      <fieldset>
        <legend>Cache settings</legend>
        {text('name', 'Name', '1-40 letters, digits and hyphens, starting with a letter.')}
        {text('description', 'Description')}
        <Field id="majorEngineVersion" label="Engine version" error={err.majorEngineVersion} hint="Redis OSS; minor versions are applied by the service.">
          <select {...described('majorEngineVersion', err.majorEngineVersion, 'hint')} value={v.majorEngineVersion} onChange={set('majorEngineVersion')}>
            {SERVERLESS_MAJOR_VERSIONS.map((x) => <option key={x} value={x}>{x}</option>)}
          </select>
        </Field>
      </fieldset>
      <fieldset>
        <legend>Usage limits</legend>
        {text('dataStorageMax', 'Maximum data storage (GB)', '1-5000 GB; empty: no limit.', true)}
        {text('ecpuMax', 'Maximum ECPU per second', '1,000-15,000,000; empty: no limit.', true)}
      </fieldset>
      <fieldset>
        <legend>Connectivity and security</legend>
        <p class="hint">A serverless cache always encrypts in transit (TLS) and at rest.</p>
        <SecurityGroupsPicker chosen={v.securityGroups} error={err.securityGroups} onChange={(ids) => setV((old) => ({ ...old, securityGroups: ids }))} />
        <UserGroupSelect value={v.userGroup} error={err.userGroup} none="None"
          onChange={(id) => setV((old) => ({ ...old, userGroup: id }))} />
      </fieldset>
      <fieldset>
        <legend>Backups</legend>
        {text('snapshotRetention', 'Snapshot retention (days)', '0-35; 0: no automatic backups.', true)}
        {text('dailySnapshotTime', 'Daily snapshot time', 'UTC, HH:MM, e.g. 04:00; empty: 04:00.')}
      </fieldset>
      <CreateFormFooter tags={v.tags} tagsError={err.tags} formError={err.form} busy={busy} onTagsInput={set('tags')} />
    </form>
  );
}
