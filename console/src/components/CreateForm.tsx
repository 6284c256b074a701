import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { useSubmit } from '../use-submit.js';
import { familyOfChoice, keepIfOffered, parameterGroupsOf, type EngineChoice, type ParameterGroupChoice } from '../create-choices.js';
import { createParams, EMPTY_CREATE, fieldOfError, missingChoices, type CreateValues } from '../create-params.js';
import { groupHref } from '../router.js';
import { useOnce } from '../use-once.js';
import { described, Field } from './Field.js';
import { SecurityGroupsPicker } from './SecurityGroupsPicker.js';
import { AccessControlFields } from './AccessControlFields.js';
import { CreateServerlessForm } from './CreateServerlessForm.js';
import { DeploymentOption, type Deployment } from './DeploymentOption.js';
import { CreateFormFooter } from './CreateFormFooter.js';

interface Choices {
  engines: EngineChoice[];
  subnetGroups: string[];
  parameterGroups: ParameterGroupChoice[];
  nodeTypes: Array<{ Name: string; MemoryGiB: number; Vcpus: number }>;
}

async function loadChoices(): Promise<Choices> {
  const [e, s, p, n] = await Promise.all([
    call<{ CacheEngineVersions?: EngineChoice[] }>('DescribeCacheEngineVersions', { MaxRecords: '100' }),
    call<{ CacheSubnetGroups?: Array<{ CacheSubnetGroupName?: string }> }>('DescribeCacheSubnetGroups', { MaxRecords: '100' }),
    call<{ CacheParameterGroups?: Array<{ CacheParameterGroupName?: string; CacheParameterGroupFamily?: string }> }>('DescribeCacheParameterGroups', { MaxRecords: '100' }),
    fetch('/console/api/node-types', { credentials: 'same-origin' }).then((r) => r.json() as Promise<{ NodeTypes?: Choices['nodeTypes'] }>),
  ]);
  return {
    engines: e.CacheEngineVersions ?? [],
    subnetGroups: (s.CacheSubnetGroups ?? []).map((g) => g.CacheSubnetGroupName!).filter(Boolean),
    parameterGroups: (p.CacheParameterGroups ?? []).map((g) => ({ name: g.CacheParameterGroupName!, family: g.CacheParameterGroupFamily })),
    nodeTypes: n.NodeTypes ?? [],
  };
}

/**
 * Create a cache, in the order of ElastiCache's console: serverless (CreateServerlessCache, its own
 * form) or designed; a designed one is a replication group: engine, design (cluster mode, shards), name, node type and replicas, network, parameter group, backups and maintenance,
 * encryption and access control (AUTH token or user group), tags. The API validates; its message is shown beside the field it names.
 */
export function CreateForm() {
  const choices = useOnce(loadChoices);
  const [v, setV] = useState<CreateValues>(EMPTY_CREATE);
  const { busy, errors, setErrors, run } = useSubmit<keyof CreateValues>(fieldOfError, { focusField: true });
  const [deployment, setDeployment] = useState<Deployment>('designed');
  const set = <K extends keyof CreateValues>(k: K) => (e: Event) => {
    const t = e.currentTarget as HTMLInputElement;
    setV((old) => {
      const next = { ...old, [k]: t.type === 'checkbox' ? t.checked : t.value };
      // Another engine or version may be of another family: its parameter groups only.
      const family = familyOfChoice(choices.data?.engines ?? [], next.engine, next.engineVersion);
      return { ...next, parameterGroup: keepIfOffered(next.parameterGroup, parameterGroupsOf(choices.data?.parameterGroups ?? [], family).map((g) => g.name)) };
    });
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    const missing = missingChoices(v);
    const first = Object.keys(missing)[0];
    if (first) {
      setErrors(missing);
      document.getElementById(first)?.focus();
      return;
    }
    if (await run(() => call('CreateReplicationGroup', createParams(v)).then(() => undefined))) location.hash = groupHref(v.name.trim());
  };
  const engines = [...new Set((choices.data?.engines ?? []).map((x) => x.Engine!).filter(Boolean))];
  const versions = (choices.data?.engines ?? []).filter((x) => x.Engine === v.engine).map((x) => x.EngineVersion!);
  const family = familyOfChoice(choices.data?.engines ?? [], v.engine, v.engineVersion);
  const parameterGroups = parameterGroupsOf(choices.data?.parameterGroups ?? [], family);
  const err = errors;
  return (
    <>
      <nav aria-label="Breadcrumb" class="crumbs"><a href="#/">Caches</a> / <span aria-current="page">Create</span></nav>
      <h1>Create a Redis cache</h1>
      <DeploymentOption value={deployment} onChange={setDeployment} />
      {deployment === 'serverless' ? <CreateServerlessForm /> : (
      <form class="create" onSubmit={submit} noValidate aria-label="Design your own cache">
        <fieldset>
          <legend>Engine</legend>
          <Field id="engine" label="Engine" error={err.engine}>
            <select {...described('engine', err.engine)} value={v.engine} onChange={set('engine')}>
              {(engines.length ? engines : ['redis']).map((x) => <option key={x} value={x}>{x}</option>)}
            </select>
          </Field>
          <Field id="engineVersion" label="Engine version" error={err.engineVersion}>
            <select {...described('engineVersion', err.engineVersion)} value={v.engineVersion} onChange={set('engineVersion')}>
              <option value="">Default</option>
              {versions.map((x) => <option key={x} value={x}>{x}</option>)}
            </select>
          </Field>
        </fieldset>
        <fieldset>
          <legend>Design</legend>
          <div class="check"><input type="checkbox" id="clusterMode" checked={v.clusterMode} onChange={set('clusterMode')} />
            <label for="clusterMode">Cluster mode (data sharded across several shards)</label></div>
          {v.clusterMode && (
            <Field id="shards" label="Shards" error={err.shards}>
              <input {...described('shards', err.shards)} inputMode="numeric" value={v.shards} onInput={set('shards')} />
            </Field>
          )}
        </fieldset>
        <fieldset>
          <legend>Cache settings</legend>
          <Field id="name" label="Name" error={err.name} hint="1-40 letters, digits and hyphens, starting with a letter.">
            <input {...described('name', err.name, 'hint')} value={v.name} onInput={set('name')} required spellcheck={false} />
          </Field>
          <Field id="description" label="Description" error={err.description}>
            <input {...described('description', err.description)} value={v.description} onInput={set('description')} />
          </Field>
          <Field id="nodeType" label="Node type" error={err.nodeType}>
            <select {...described('nodeType', err.nodeType)} value={v.nodeType} onChange={set('nodeType')}>
              {(choices.data?.nodeTypes ?? [{ Name: v.nodeType, MemoryGiB: 0, Vcpus: 0 }]).map((t) => (
                <option key={t.Name} value={t.Name}>{t.Name}{t.MemoryGiB ? ` (${t.MemoryGiB} GiB, ${t.Vcpus} vCPU)` : ''}</option>
              ))}
            </select>
          </Field>
          <Field id="replicas" label={v.clusterMode ? 'Replicas per shard' : 'Replicas'} error={err.replicas}>
            <input {...described('replicas', err.replicas)} inputMode="numeric" value={v.replicas} onInput={set('replicas')} />
          </Field>
          <div class="check"><input type="checkbox" id="automaticFailover" checked={v.automaticFailover} onChange={set('automaticFailover')} />
            <label for="automaticFailover">Automatic failover and Multi-AZ</label></div>
          {err.automaticFailover && <p class="error field-error" role="alert">{err.automaticFailover}</p>}
        </fieldset>
        <fieldset>
          <legend>Connectivity</legend>
          <Field id="subnetGroup" label="Subnet group" error={err.subnetGroup}>
            <select {...described('subnetGroup', err.subnetGroup)} value={v.subnetGroup} onChange={set('subnetGroup')}>
              <option value="">Default</option>
              {(choices.data?.subnetGroups ?? []).map((x) => <option key={x} value={x}>{x}</option>)}
            </select>
          </Field>
          <SecurityGroupsPicker chosen={v.securityGroups} error={err.securityGroups} onChange={(ids) => setV((old) => ({ ...old, securityGroups: ids }))} />
        </fieldset>
        <fieldset>
          <legend>Advanced settings</legend>
          <Field id="parameterGroup" label="Parameter group" error={err.parameterGroup}
            hint={`Groups of the ${family ?? 'engine\'s'} family. Cluster mode needs one with cluster-enabled yes; Default picks the right one.`}>
            <select {...described('parameterGroup', err.parameterGroup, 'hint')} value={v.parameterGroup} onChange={set('parameterGroup')}>
              <option value="">Default</option>
              {parameterGroups.map((x) => <option key={x.name} value={x.name}>{x.name}</option>)}
            </select>
          </Field>
          <Field id="snapshotRetention" label="Backup retention (days)" error={err.snapshotRetention}>
            <input {...described('snapshotRetention', err.snapshotRetention)} inputMode="numeric" value={v.snapshotRetention} onInput={set('snapshotRetention')} />
          </Field>
          <Field id="snapshotWindow" label="Backup window" error={err.snapshotWindow} hint="UTC, e.g. 03:00-04:00; empty: the service picks one.">
            <input {...described('snapshotWindow', err.snapshotWindow, 'hint')} value={v.snapshotWindow} onInput={set('snapshotWindow')} />
          </Field>
          <Field id="maintenanceWindow" label="Maintenance window" error={err.maintenanceWindow} hint="UTC, e.g. sun:05:00-sun:06:00.">
            <input {...described('maintenanceWindow', err.maintenanceWindow, 'hint')} value={v.maintenanceWindow} onInput={set('maintenanceWindow')} />
          </Field>
        </fieldset>
        <fieldset>
          <legend>Security</legend>
          <div class="check"><input type="checkbox" id="atRest" checked={v.atRest} onChange={set('atRest')} />
            <label for="atRest">Encryption at rest</label></div>
          <div class="check"><input type="checkbox" id="inTransit" checked={v.inTransit} onChange={set('inTransit')} />
            <label for="inTransit">Encryption in transit (TLS)</label></div>
          {err.inTransit && <p class="error field-error" role="alert">{err.inTransit}</p>}
          {v.inTransit && (
            <Field id="transitMode" label="Transit encryption mode" error={err.transitMode}>
              <select {...described('transitMode', err.transitMode)} value={v.transitMode} onChange={set('transitMode')}>
                <option value="required">required</option>
                <option value="preferred">preferred</option>
              </select>
            </Field>
          )}
          <AccessControlFields access={v.access} authToken={v.authToken} userGroup={v.userGroup} errors={err}
            onChange={(change) => setV((old) => ({ ...old, ...change }))} />
        </fieldset>
        <CreateFormFooter tags={v.tags} tagsError={err.tags} formError={err.form} busy={busy} onTagsInput={set('tags')} />
      </form>
      )}
    </>
  );
}
