import AddTagsToResource from './AddTagsToResource.js';
import AuthorizeCacheSecurityGroupIngress from './AuthorizeCacheSecurityGroupIngress.js';
import CreateCacheParameterGroup from './CreateCacheParameterGroup.js';
import CreateCacheSecurityGroup from './CreateCacheSecurityGroup.js';
import CreateCacheSubnetGroup from './CreateCacheSubnetGroup.js';
import DeleteCacheParameterGroup from './DeleteCacheParameterGroup.js';
import DeleteCacheSecurityGroup from './DeleteCacheSecurityGroup.js';
import DeleteCacheSubnetGroup from './DeleteCacheSubnetGroup.js';
import DescribeCacheEngineVersions from './DescribeCacheEngineVersions.js';
import DescribeCacheParameterGroups from './DescribeCacheParameterGroups.js';
import DescribeCacheParameters from './DescribeCacheParameters.js';
import DescribeCacheSecurityGroups from './DescribeCacheSecurityGroups.js';
import DescribeCacheSubnetGroups from './DescribeCacheSubnetGroups.js';
import DescribeEngineDefaultParameters from './DescribeEngineDefaultParameters.js';
import DescribeEvents from './DescribeEvents.js';
import ListTagsForResource from './ListTagsForResource.js';
import ModifyCacheParameterGroup from './ModifyCacheParameterGroup.js';
import ModifyCacheSubnetGroup from './ModifyCacheSubnetGroup.js';
import RemoveTagsFromResource from './RemoveTagsFromResource.js';
import ResetCacheParameterGroup from './ResetCacheParameterGroup.js';
import RevokeCacheSecurityGroupIngress from './RevokeCacheSecurityGroupIngress.js';
import type { ActionFactory } from './define.js';

/** Subnet groups, parameter groups, tags, events, engine versions and the legacy security groups. */
export const settingsActions: ActionFactory[] = [
  CreateCacheSubnetGroup, DescribeCacheSubnetGroups, ModifyCacheSubnetGroup, DeleteCacheSubnetGroup,
  CreateCacheParameterGroup, DescribeCacheParameterGroups, ModifyCacheParameterGroup, ResetCacheParameterGroup,
  DeleteCacheParameterGroup, DescribeCacheParameters, DescribeEngineDefaultParameters,
  AddTagsToResource, ListTagsForResource, RemoveTagsFromResource,
  DescribeEvents, DescribeCacheEngineVersions,
  CreateCacheSecurityGroup, DescribeCacheSecurityGroups, DeleteCacheSecurityGroup,
  AuthorizeCacheSecurityGroupIngress, RevokeCacheSecurityGroupIngress,
];
