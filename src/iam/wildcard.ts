// IAM's wildcards: `*` any run of characters (none included), `?` exactly one. Used for Action
// names (case-insensitive), resource ARNs (case-sensitive) and StringLike conditions.

const cache = new Map<string, RegExp>();
const MAX_CACHE = 10_000;

/** Whether `value` matches `pattern` as a whole. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) {
    return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  }
  if (pattern === '*') return true;
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let re = cache.get(key);
  if (!re) {
    const source = pattern.replace(/[.+^${}()|[\]\\*?]/g, (c) => (c === '*' ? '.*' : c === '?' ? '.' : `\\${c}`));
    re = new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
    if (cache.size >= MAX_CACHE) cache.clear();
    cache.set(key, re);
  }
  return re.test(value);
}
