// EC2 describe filters: `Name=group-id,Values=sg-1,sg-2 Name=tag:env,Values=prod`. Filters are
// ANDed, the values of one filter ORed; values may use EC2's wildcards (* any run, ? one
// character, \ escapes them). Filter names are case-sensitive, as EC2's are.
import type { Tag } from '../../store/index.js';
import type { Filter } from './model/shapes.js';
import { clip, Ec2Errors } from './errors.js';

/** Filter name → the values a resource has for it (a resource matches when one of them matches). */
export type FilterFields<T> = Record<string, (item: T) => Array<string | undefined>>;

export function applyFilters<T>(items: T[], filters: Filter[] | undefined, fields: FilterFields<T>, tagsOf: (item: T) => Tag[]): T[] {
  if (!filters?.length) return items;
  const tests = filters.map((f, i) => {
    if (!f.Name) throw Ec2Errors.missingParameter(`Filter.${i + 1}.Name`);
    const name = f.Name;
    let valuesOf: (item: T) => Array<string | undefined>;
    if (name.startsWith('tag:')) {
      const key = name.slice(4);
      valuesOf = (item) => tagsOf(item).filter((t) => t.Key === key).map((t) => t.Value ?? '');
    } else if (name === 'tag-key') {
      valuesOf = (item) => tagsOf(item).map((t) => t.Key);
    } else if (name === 'tag-value') {
      valuesOf = (item) => tagsOf(item).map((t) => t.Value ?? '');
    } else if (Object.hasOwn(fields, name)) {
      valuesOf = fields[name]!;
    } else {
      const known = [...Object.keys(fields), 'tag:<key>', 'tag-key', 'tag-value'].join(', ');
      throw Ec2Errors.invalidValue(`The filter '${clip(name)}' is invalid (filters: ${known})`);
    }
    if (!f.Values?.length) throw Ec2Errors.invalidValue(`The filter '${clip(name)}' must have at least one value`);
    const patterns = f.Values.map(globToRegExp);
    return (item: T) => valuesOf(item).some((v) => v !== undefined && patterns.some((p) => p.test(v)));
  });
  return items.filter((item) => tests.every((t) => t(item)));
}

/** An EC2 filter value as an anchored RegExp: * and ? are wildcards, \ escapes the next character. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\' && i + 1 < glob.length) re += escapeRe(glob[++i]!);
    else if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`, 'u');
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'); // the syntax characters ('u' mode refuses other escapes)
}
