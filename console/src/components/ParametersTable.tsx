import type { Parameter } from '../types.js';
import { ParameterRow } from './ParameterRow.js';

/** A parameter group's parameters (DescribeCacheParameters), each editable where the group and the parameter allow. */
export function ParametersTable({ group, parameters, editable, onChanged }: { group: string; parameters: Parameter[]; editable: boolean; onChanged: () => void }) {
  return (
    <div class="table-wrap">
      <table class="parameters">
        <thead>
          <tr><th scope="col">Name</th><th scope="col">Value</th><th scope="col">Allowed values</th><th scope="col">Modifiable</th>
            <th scope="col">Change type</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
        </thead>
        <tbody>
          {parameters.map((p) => <ParameterRow key={p.ParameterName} group={group} parameter={p} editable={editable} onChanged={onChanged} />)}
        </tbody>
      </table>
    </div>
  );
}
