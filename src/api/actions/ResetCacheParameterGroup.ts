import { CommonErrors } from '../../errors/index.js';
import type { CacheParameterGroupNameMessage, ResetCacheParameterGroupMessage } from '../model/shapes.js';
import { changeParameterGroup, checkParameterList, resetProblem } from '../../resources/parameter-groups.js';
import { defineAction } from './define.js';

/** Returns all parameters (ResetAllParameters) or the listed ones to the family defaults. */
export default defineAction<ResetCacheParameterGroupMessage, CacheParameterGroupNameMessage>(
  'ResetCacheParameterGroup', async (input, svc) => {
    const listed = input.ParameterNameValues ?? [];
    if (input.ResetAllParameters && listed.length > 0) {
      throw CommonErrors.invalidParameterCombination('Give either ResetAllParameters or ParameterNameValues, not both.');
    }
    if (!input.ResetAllParameters && listed.length === 0) {
      throw CommonErrors.invalidParameterValue(
        'Name at least one parameter to reset in ParameterNameValues, or set ResetAllParameters to true.');
    }
    const names = input.ResetAllParameters ? undefined : checkParameterList(listed);
    const name = await changeParameterGroup(svc, input.CacheParameterGroupName, 'reset', (group) => {
      if (!names) return {};
      const values = { ...group.values };
      for (const param of names) {
        const problem = resetProblem(group.family, param);
        if (problem) throw CommonErrors.invalidParameterValue(problem);
        delete values[param];
      }
      return values;
    });
    return { CacheParameterGroupName: name };
  });
