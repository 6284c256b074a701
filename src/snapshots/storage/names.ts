/**
 * The names a snapshot store accepts, the same for every store so an object that can be written
 * to the data directory can be written to S3 and back:
 * - object keys: S3's keys (up to 1024 bytes of UTF-8, `/` separating segments) narrowed to what
 *   a folder can hold safely: no absolute key, no empty, `.` or `..` segment, no segment starting
 *   with `.` (the local store's temporary files do), no NUL or backslash;
 * - bucket names: S3's general purpose bucket rules (3–63 characters of lowercase letters,
 *   digits, dots and hyphens, starting and ending with a letter or digit, no `..`, not an IPv4
 *   address, none of the reserved prefixes and suffixes).
 */

/** Why `key` is not an acceptable object key, or undefined when it is. */
export function objectKeyProblem(key: string): string | undefined {
  if (key === '') return 'an object key cannot be empty';
  if (Buffer.byteLength(key, 'utf8') > 1024) return 'an object key is at most 1024 bytes';
  if (key.startsWith('/')) return `object key ${JSON.stringify(key)} is absolute (starts with /)`;
  if (/[\0\\]/.test(key)) return `object key ${JSON.stringify(key)} contains a NUL or a backslash`;
  for (const segment of key.split('/')) {
    if (segment === '') return `object key ${JSON.stringify(key)} has an empty segment (// or a trailing /)`;
    if (segment.startsWith('.')) return `object key ${JSON.stringify(key)} has a segment starting with a dot (. and .. are refused)`;
  }
  return undefined;
}

/** Throws when `key` is not acceptable (see {@link objectKeyProblem}). */
export function checkObjectKey(key: string): string {
  const problem = objectKeyProblem(key);
  if (problem) throw new InvalidObjectKeyError(problem);
  return key;
}

/**
 * Why `prefix` cannot be a `list` prefix, or undefined: a prefix is a key's beginning, so it may
 * be empty or end with `/`, but must not climb out of the store.
 */
export function listPrefixProblem(prefix: string): string | undefined {
  if (prefix === '') return undefined;
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return trimmed === '' ? 'a list prefix cannot be /' : objectKeyProblem(trimmed);
}

export class InvalidObjectKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidObjectKeyError';
  }
}

/** Why `name` is not a valid bucket name (S3's rules), or undefined when it is. */
export function bucketNameProblem(name: string): string | undefined {
  const quoted = JSON.stringify(name);
  if (name.length < 3 || name.length > 63) return `bucket name ${quoted} must be 3 to 63 characters long`;
  if (!/^[a-z0-9.-]+$/.test(name)) return `bucket name ${quoted} may only contain lowercase letters, digits, dots and hyphens`;
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return `bucket name ${quoted} must begin and end with a letter or digit`;
  if (name.includes('..')) return `bucket name ${quoted} must not contain two dots in a row`;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return `bucket name ${quoted} must not look like an IP address`;
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name) || /(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) {
    return `bucket name ${quoted} uses a prefix or suffix S3 reserves`;
  }
  return undefined;
}

/** Throws when `name` is not a valid bucket name. */
export function checkBucketName(name: string): string {
  const problem = bucketNameProblem(name);
  if (problem) throw new InvalidBucketNameError(problem);
  return name;
}

export class InvalidBucketNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidBucketNameError';
  }
}
