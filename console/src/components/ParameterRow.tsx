import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { choicesOf, modifyParameterParams } from '../parameter-groups.js';
import { useSubmit } from '../use-submit.js';
import type { Parameter } from '../types.js';

/** Errors of ModifyCacheParameterGroup all concern the value edited here. */
const FIELDS = { value: ['ParameterValue', 'ParameterNameValues', 'InvalidParameterValue', 'InvalidParameterCombination'] };

/** One parameter: name, value, allowed values, modifiable, change type, and its edit (a customer group's modifiable ones). */
export function ParameterRow({ group, parameter: p, editable, onChanged }: { group: string; parameter: Parameter; editable: boolean; onChanged: () => void }) {
  const name = p.ParameterName ?? '';
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(p.ParameterValue ?? '');
  const { busy, errors, run } = useSubmit(FIELDS);
  const id = `param-${name}`;
  const error = errors.value ?? errors.form;
  const choices = choicesOf(p);
  const save = async (e: Event) => {
    e.preventDefault();
    if (await run(() => call('ModifyCacheParameterGroup', modifyParameterParams(group, name, value)).then(() => {}))) {
      setEditing(false);
      onChanged();
    }
  };
  const control = {
    id, name: id, 'aria-label': `Value of ${name}`, value, 'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? `${id}-error` : undefined,
  };
  return (
    <tr data-parameter={name}>
      <th scope="row" class="mono">{name}</th>
      <td>
        {!editing ? <span class="mono" data-value>{p.ParameterValue ?? ''}</span> : (
          <form class="param-edit" onSubmit={save} noValidate>
            {choices ? (
              <select {...control} onChange={(e) => setValue(e.currentTarget.value)}>
                {!choices.includes(value) && <option value={value}>{value}</option>}
                {choices.map((c) => <option key={c} value={c}>{c}</option>)}
              </select>
            ) : <input {...control} onInput={(e) => setValue(e.currentTarget.value)} />}
            <button type="submit" disabled={busy}>Save<span class="visually-hidden"> {name}</span></button>
            <button type="button" onClick={() => { setEditing(false); setValue(p.ParameterValue ?? ''); }}>Cancel</button>
            {error && <p id={`${id}-error`} class="error field-error" role="alert">{error}</p>}
          </form>
        )}
      </td>
      <td class="allowed"><AllowedValues text={p.AllowedValues ?? ''} /></td>
      <td>{p.IsModifiable ? 'Yes' : 'No'}</td>
      <td>{p.ChangeType ?? ''}</td>
      <td>{editable && p.IsModifiable && !editing && (
        <button type="button" onClick={() => { setValue(p.ParameterValue ?? ''); setEditing(true); }}>Edit<span class="visually-hidden"> {name}</span></button>
      )}</td>
    </tr>
  );
}

/** A parameter's allowed values; a long list (rename-commands' commands) folded behind its count. */
function AllowedValues({ text }: { text: string }) {
  if (text.length <= 60) return <>{text}</>;
  return <details><summary>{text.split(',').length} values</summary>{text.replace(/,/g, ', ')}</details>;
}
