// The IAM service model subset (botocore's, without docs; scripts/gen-iam-model.mjs), served
// through the same Query codec as ElastiCache.
import service from './model/service.json' with { type: 'json' };
import { createQueryModel, type ServiceModelJson } from '../codec/model.js';

export const IAM_MODEL = createQueryModel(service as ServiceModelJson, 'IAM');
export const IAM_API_VERSION = IAM_MODEL.apiVersion;
