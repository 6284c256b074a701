import { cacheNodeTypeSpecificParameters, describeParameters } from '../../catalog/parameters.js';
import type { CacheParameterGroupRecord } from '../../store/index.js';
import { CommonErrors } from '../../errors/index.js';
import type { CacheNodeTypeSpecificParameter, CacheParameterGroup, Parameter } from '../model/shapes.js';
import { paginate } from '../pagination.js';

export function presentParameterGroup(group: CacheParameterGroupRecord): CacheParameterGroup {
  return {
    CacheParameterGroupName: group.name,
    CacheParameterGroupFamily: group.family,
    Description: group.description,
    IsGlobal: group.isGlobal,
    ARN: group.arn,
  };
}

const SOURCES = ['user', 'system', 'engine-default'];

/**
 * One page of a family's parameters with a group's own `values` overlaid (Source "user"),
 * optionally only those of one Source, as DescribeCacheParameters and
 * DescribeEngineDefaultParameters return them. The node-type specific parameters are not
 * paged: they come with the first page only, so a caller collecting every page gets them once.
 */
export function parameterPage(family: string, values: Record<string, string>,
  opts: { source?: string; marker?: string; maxRecords?: number }): {
  Parameters: Parameter[]; CacheNodeTypeSpecificParameters: CacheNodeTypeSpecificParameter[]; Marker?: string;
} {
  const { source } = opts;
  if (source !== undefined && !SOURCES.includes(source)) {
    throw CommonErrors.invalidParameterValue(`Invalid Source '${source}': use one of ${SOURCES.join(', ')}.`);
  }
  const wanted = <T extends { Source: string }>(p: T) => source === undefined || p.Source === source;
  const { page, marker } = paginate(describeParameters(family, values).filter(wanted), opts.marker, opts.maxRecords);
  const firstPage = opts.marker === undefined || opts.marker === '';
  return {
    Parameters: page,
    CacheNodeTypeSpecificParameters: firstPage ? cacheNodeTypeSpecificParameters(family).filter(wanted) : [],
    ...(marker ? { Marker: marker } : {}),
  };
}
