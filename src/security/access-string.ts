/**
 * ElastiCache access strings (RBAC): Redis ACL rules without passwords. A user's rules on a node
 * are `reset`, its access string, then its passwords (`#<sha256>`) or `nopass`, which
 * cachefleet adds from the user's authentication: an access string that touches passwords
 * (`>`, `<`, `#`, `!`, `nopass`, `resetpass`) or uses `reset` is refused, as on ElastiCache.
 *
 * Every rule is checked against Redis 7.0's commands, subcommands and categories: a rule the
 * API accepts is applied later by the reconciler on every node, where ACL SETUSER must not fail.
 * Neither `on` nor `off`: the user is off (`reset` starts from off), as ElastiCache documents.
 */
import { CommonErrors } from '../errors/index.js';
import { sha256Hex } from './auth-token.js';
import { ACL_CATEGORIES, CONTAINER_COMMANDS, REDIS_COMMANDS } from './redis-commands.js';
import { restrictCustomerRules } from './restricted-commands.js';

export interface AccessString {
  /** The access string as stored and described: its rules separated by single spaces. */
  text: string;
  /** The rules, one ACL SETUSER argument each (a selector `(…)` is one argument). */
  rules: string[];
  /** Does it end with the user on (`on` after the last `off`)? */
  enabled: boolean;
}

/** Rules that take no argument, and whether they are allowed inside a selector `(…)`. */
const KEYWORDS: ReadonlyMap<string, { inSelector: boolean }> = new Map([
  ['on', { inSelector: false }],
  ['off', { inSelector: false }],
  ['allkeys', { inSelector: true }],
  ['resetkeys', { inSelector: true }],
  ['allchannels', { inSelector: true }],
  ['resetchannels', { inSelector: true }],
  ['allcommands', { inSelector: true }],
  ['nocommands', { inSelector: true }],
  ['clearselectors', { inSelector: false }],
  ['sanitize-payload', { inSelector: false }],
  ['skip-sanitize-payload', { inSelector: false }],
]);

/** Password rules: AWS sets passwords from the API, never from the access string. */
const PASSWORD_KEYWORDS: ReadonlySet<string> = new Set(['nopass', 'resetpass']);

function invalid(what: string, message: string) {
  return CommonErrors.invalidParameterValue(`Invalid ${what}: ${message}`);
}

/**
 * Parses and checks an access string; throws InvalidParameterValue naming the rule at fault.
 * `what` names the parameter in messages (AccessString, AppendAccessString).
 */
export function parseAccessString(input: string, what = 'AccessString'): AccessString {
  if (/[^\x20-\x7e\t\n\r]/.test(input)) {
    throw invalid(what, 'only printable ASCII characters are allowed.');
  }
  const words = input.split(/\s+/).filter((w) => w.length > 0);
  if (words.length === 0) throw invalid(what, 'it must contain at least one rule.');
  const rules: string[] = [];
  let enabled = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word.startsWith('(')) {
      // A selector (Redis 7): its rules up to the word that closes it.
      const parts = [word];
      while (!parts.at(-1)!.endsWith(')') && i + 1 < words.length) parts.push(words[++i]!);
      const selector = parts.join(' ');
      if (!selector.endsWith(')')) throw invalid(what, `the selector '${selector}' is not closed with ')'.`);
      const inner = selector.slice(1, -1).split(/\s+/).filter((w) => w.length > 0);
      if (inner.length === 0) throw invalid(what, 'a selector () must contain at least one rule.');
      for (const r of inner) checkRule(r, what, true);
      rules.push(`(${inner.join(' ')})`);
      continue;
    }
    checkRule(word, what, false);
    const lower = word.toLowerCase();
    if (lower === 'on') enabled = true;
    if (lower === 'off') enabled = false;
    rules.push(word);
  }
  return { text: rules.join(' '), rules, enabled };
}

function checkRule(rule: string, what: string, inSelector: boolean): void {
  const lower = rule.toLowerCase();
  const keyword = KEYWORDS.get(lower);
  if (keyword) {
    if (inSelector && !keyword.inSelector) throw invalid(what, `'${rule}' cannot be used inside a selector.`);
    return;
  }
  if (PASSWORD_KEYWORDS.has(lower) || /^[<>#!]/.test(rule)) {
    // The rule itself may hold a password: only its first character is repeated.
    const which = PASSWORD_KEYWORDS.has(lower) ? `'${rule}'` : `'${rule[0]}' rules`;
    throw invalid(what, `${which} set passwords, which an access string cannot: use Passwords or NoPasswordRequired (ElastiCache manages passwords).`);
  }
  if (lower === 'reset') {
    throw invalid(what, "'reset' cannot be used in an access string: ElastiCache manages passwords, which reset would remove.");
  }
  if (rule.startsWith('(') || rule.endsWith(')')) throw invalid(what, `'${rule}' is not a complete selector.`);
  // Key patterns: ~pattern, %R~pattern, %W~pattern, %RW~pattern.
  const key = /^(?:%([RW]{1,2}))?~(.*)$/i.exec(rule);
  if (key) {
    const perms = (key[1] ?? '').toUpperCase();
    if (perms.length === 2 && perms[0] === perms[1]) throw invalid(what, `'${rule}' repeats a key permission.`);
    if (key[2]!.length === 0) throw invalid(what, `'${rule}' has no key pattern.`);
    return;
  }
  if (rule.startsWith('%')) throw invalid(what, `'${rule}': key permissions are %R~, %W~ or %RW~ followed by a pattern.`);
  if (rule.startsWith('&')) {
    if (rule.length === 1) throw invalid(what, "'&' has no channel pattern.");
    return;
  }
  if (rule.startsWith('+') || rule.startsWith('-')) {
    checkCommandRule(rule, what);
    return;
  }
  throw invalid(what, `unknown rule '${rule}'.`);
}

function checkCommandRule(rule: string, what: string): void {
  const allow = rule[0] === '+';
  const body = rule.slice(1).toLowerCase();
  if (body.startsWith('@')) {
    const category = body.slice(1);
    if (category !== 'all' && !ACL_CATEGORIES.has(category)) {
      throw invalid(what, `'${rule}': unknown command category '${category}' (known: all, ${[...ACL_CATEGORIES].join(', ')}).`);
    }
    return;
  }
  const [command, sub, ...more] = body.split('|');
  if (!command || !REDIS_COMMANDS.has(command)) throw invalid(what, `'${rule}': unknown command '${command ?? ''}'.`);
  if (sub === undefined) return;
  if (more.length || sub.length === 0) throw invalid(what, `'${rule}' is not a valid command rule.`);
  const subs = CONTAINER_COMMANDS.get(command);
  if (subs) {
    if (!subs.has(sub)) throw invalid(what, `'${rule}': ${command} has no subcommand '${sub}'.`);
    return;
  }
  // `+select|0`: a first argument of a command without subcommands, which Redis allows only to add.
  if (!allow) throw invalid(what, `'${rule}': ${command} has no subcommands, and a first argument can only be allowed (+), not blocked.`);
}

/**
 * The ACL rules of a user on a node: `reset`, the access string, then its passwords or nopass,
 * then the restricted commands taken away (restricted-commands.ts), which the access string cannot lift.
 */
export function userRules(accessString: string, passwordHashes: string[], noPassword: boolean): string[] {
  const { rules } = parseAccessString(accessString);
  return restrictCustomerRules(['reset', ...rules, ...(noPassword ? ['nopass'] : passwordHashes.map((h) => `#${h}`))]);
}

export const PASSWORD_MIN = 16;
export const PASSWORD_MAX = 128;
export const MAX_PASSWORDS = 2;

/**
 * Checks a user's passwords as ElastiCache does (1 or 2, 16–128 printable ASCII characters, no
 * spaces and none of `"`, `/`, `@`) and returns their SHA-256, the only form kept. Messages never
 * repeat a password.
 */
export function hashPasswords(passwords: string[], what = 'Passwords'): string[] {
  if (passwords.length === 0) throw CommonErrors.invalidParameterValue(`${what} must contain at least one password.`);
  if (passwords.length > MAX_PASSWORDS) {
    throw CommonErrors.invalidParameterValue(`${what} can contain at most ${MAX_PASSWORDS} passwords (got ${passwords.length}).`);
  }
  passwords.forEach((p, i) => {
    const n = `${what} member ${i + 1}`;
    if (p.length < PASSWORD_MIN || p.length > PASSWORD_MAX) {
      throw CommonErrors.invalidParameterValue(`Invalid ${n}: a password must be between ${PASSWORD_MIN} and ${PASSWORD_MAX} characters long (got ${p.length}).`);
    }
    for (const ch of p) {
      const code = ch.codePointAt(0)!;
      if (code < 0x21 || code > 0x7e) {
        throw CommonErrors.invalidParameterValue(code === 0x20 ? `Invalid ${n}: a password cannot contain spaces.` : `Invalid ${n}: only printable ASCII characters are allowed.`);
      }
      if (ch === '"' || ch === '/' || ch === '@') {
        throw CommonErrors.invalidParameterValue(`Invalid ${n}: a password cannot contain any of the following characters: '/', '"', or '@'.`);
      }
    }
  });
  const hashes = passwords.map(sha256Hex);
  if (new Set(hashes).size !== hashes.length) throw CommonErrors.invalidParameterValue(`${what} contains the same password twice.`);
  return hashes;
}
