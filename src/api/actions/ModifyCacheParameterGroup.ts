import { CommonErrors } from '../../errors/index.js';
import type { CacheParameterGroupNameMessage, ModifyCacheParameterGroupMessage } from '../model/shapes.js';
import { changeParameterGroup, checkParameterList, modificationProblem } from '../../resources/parameter-groups.js';
import { defineAction } from './define.js';

/**
 * Sets parameters of a customer group (all or none: one bad parameter refuses the request).
 * The group keeps only the values set by the customer; the reconciler applies the change to
 * every node using the group.
 */
export default defineAction<ModifyCacheParameterGroupMessage, CacheParameterGroupNameMessage>(
  'ModifyCacheParameterGroup', async (input, svc) => {
    const names = checkParameterList(input.ParameterNameValues);
    const name = await changeParameterGroup(svc, input.CacheParameterGroupName, 'modified', (group) => {
      const values = { ...group.values };
      input.ParameterNameValues.forEach((p, i) => {
        const param = names[i]!;
        if (p.ParameterValue === undefined) {
          throw CommonErrors.invalidParameterValue(`No ParameterValue was given for parameter ${param}.`);
        }
        const problem = modificationProblem(group.family, param, p.ParameterValue);
        if (problem) throw CommonErrors.invalidParameterValue(problem);
        values[param] = p.ParameterValue;
      });
      return values;
    });
    return { CacheParameterGroupName: name };
  });
