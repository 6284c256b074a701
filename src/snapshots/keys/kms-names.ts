/**
 * KMS's names for keys, as ElastiCache's `KmsKeyId` takes them: a key id (UUID), a key ARN
 * (`arn:aws:kms:<region>:<account>:key/<id>`), an alias (`alias/<name>`) or an alias ARN
 * (`arn:aws:kms:<region>:<account>:alias/<name>`). Pure functions, no I/O.
 */

/** The alias of AWS's default key for ElastiCache, which the default key carries here too. */
export const DEFAULT_ALIAS = 'alias/aws/elasticache';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ALIAS = /^alias\/[a-zA-Z0-9/_-]+$/;
const ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(key\/.+|alias\/.+)$/;

/** What a `KmsKeyId` names: a key id or an alias, and the region and account when it was an ARN. */
export interface KmsKeyName {
  id?: string;
  alias?: string;
  arn?: { region: string; accountId: string };
}

/** Parses any of the four forms; undefined when `value` is none of them. */
export function parseKmsKeyId(value: string): KmsKeyName | undefined {
  const m = ARN.exec(value);
  const resource = m ? m[3]! : value;
  const arn = m ? { arn: { region: m[1]!, accountId: m[2]! } } : {};
  if (resource.startsWith('key/') && m) {
    const id = resource.slice(4).toLowerCase();
    return UUID.test(id) ? { id, ...arn } : undefined;
  }
  if (resource.startsWith('alias/')) return ALIAS.test(resource) && resource.length <= 256 ? { alias: resource, ...arn } : undefined;
  const id = resource.toLowerCase();
  return UUID.test(id) ? { id } : undefined;
}

/** The ARN of `resource` (`key/<id>` or `alias/<name>`) in the installation's region and account. */
export function kmsArn(owner: { region: string; accountId: string }, resource: string): string {
  return `arn:aws:kms:${owner.region}:${owner.accountId}:${resource}`;
}

/** Why `alias` cannot be given to a user's key, or undefined (KMS's rules). */
export function aliasProblem(alias: string): string | undefined {
  if (!alias.startsWith('alias/')) return `alias ${JSON.stringify(alias)} must begin with alias/ (e.g. alias/my-key)`;
  if (alias.length > 256) return 'an alias is at most 256 characters';
  if (!ALIAS.test(alias)) return `alias ${JSON.stringify(alias)} may only contain letters, digits, /, _ and - after alias/`;
  if (alias.startsWith('alias/aws/')) return `alias ${JSON.stringify(alias)} is reserved: aliases beginning with alias/aws/ name AWS managed keys`;
  return undefined;
}
