import { type Finding, finding } from './codes.js';
import { compileGlob, type Glob, type GlobProblem, matchSegments } from './glob.js';

/**
 * One CODEOWNERS rule. `owners` are kept exactly as written (`@Alice`, `@acme/Team`,
 * `a@example.com`); GitHub logins and team slugs are case-insensitive, so callers compare them
 * case-insensitively. An empty `owners` list is a valid rule that means "no owners".
 */
export interface Rule {
  pattern: string;
  owners: string[];
  /** 1-based line in the CODEOWNERS file. */
  line: number;
}

export interface ParsedCodeowners {
  rules: Rule[];
  errors: Finding[];
}

/** GitHub's search order for the CODEOWNERS file; the first one that exists is used. */
export const CODEOWNERS_PATHS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

/** GitHub does not load a CODEOWNERS file of 3 MB or more. */
export const CODEOWNERS_MAX_BYTES = 3_000_000;

/** Finds the CODEOWNERS file GitHub would use. `files` returns a file's text, or undefined. */
export function locateCodeowners(
  files: (path: string) => string | undefined,
): { path: string; text: string } | undefined {
  for (const path of CODEOWNERS_PATHS) {
    const text = files(path);
    if (typeof text === 'string') return { path, text };
  }
  return undefined;
}

export type OwnerKind = 'user' | 'team' | 'email';

// GitHub logins: letters, digits and hyphens, not starting with a hyphen; `_` appears in
// Enterprise Managed User logins (`alice_acme`). Team slugs add `_` and `.`.
const LOGIN = /^@[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
const TEAM = /^@[A-Za-z0-9][A-Za-z0-9_-]{0,99}\/[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+=?^_`{|}~/-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$/;

/**
 * The kind of a syntactically valid owner, or undefined when GitHub would reject it.
 * An `email` owner is valid syntax, but we cannot map an address to a GitHub account (GitHub
 * uses the account's verified emails, which the API does not reveal), so it counts as an owner
 * that can never approve here unless a caller maps it (see docs/codeowners.md).
 */
export function ownerKind(owner: string): OwnerKind | undefined {
  if (LOGIN.test(owner)) return 'user';
  if (TEAM.test(owner)) return 'team';
  if (EMAIL.test(owner)) return 'email';
  return undefined;
}

/**
 * Parses CODEOWNERS text. Lines GitHub would skip (and lines whose meaning on GitHub is
 * ambiguous) produce an E_CODEOWNERS_INVALID finding and no rule; the other lines still parse.
 * Never throws.
 */
export function parseCodeowners(text: string, path: string): ParsedCodeowners {
  const rules: Rule[] = [];
  const errors: Finding[] = [];
  if (typeof text !== 'string') return { rules, errors };
  const bytes = utf8Length(text);
  if (bytes >= CODEOWNERS_MAX_BYTES) {
    errors.push(
      finding(
        'E_CODEOWNERS_INVALID',
        `${path}: the file is ${bytes} bytes; GitHub ignores a CODEOWNERS file of 3 MB or more. ` +
          'Shorten it, for example with wildcard patterns.',
        { path },
      ),
    );
    return { rules, errors };
  }
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((raw, index) => {
    const result = parseLine(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
    if (result === undefined) return;
    const line = index + 1;
    if ('problems' in result) {
      errors.push(lineFinding(path, line, raw, result.problems));
    } else {
      rules.push({ pattern: result.pattern, owners: result.owners, line });
    }
  });
  return { rules, errors };
}

/**
 * Who owns `filePath` (repository-relative, `/`-separated, no leading slash). The last
 * matching rule wins. A matching rule with no owners gives `owners: []` and that `rule`; no
 * matching rule gives `owners: []` and `rule: undefined`. Paths are case-sensitive.
 */
export function ownersFor(
  rules: readonly Rule[],
  filePath: string,
): { owners: string[]; rule?: Rule } {
  if (typeof filePath !== 'string') return { owners: [] };
  const segments = filePath.split('/');
  for (let i = rules.length - 1; i >= 0; i--) {
    const rule = rules[i]!;
    const glob = compiled(rule);
    if (glob && matchSegments(glob, segments)) return { owners: [...rule.owners], rule };
  }
  return { owners: [] };
}

// Each rule's pattern is compiled once and cached beside the rule object.
const cache = new WeakMap<Rule, { pattern: string; glob: Glob | undefined }>();

function compiled(rule: Rule): Glob | undefined {
  const hit = cache.get(rule);
  if (hit && hit.pattern === rule.pattern) return hit.glob;
  // A hand-made rule with an invalid pattern never matches (parseCodeowners reports such lines).
  const glob = compileGlob(rule.pattern).glob;
  cache.set(rule, { pattern: rule.pattern, glob });
  return glob;
}

type LineResult = { pattern: string; owners: string[] } | { problems: GlobProblem[] };

function parseLine(line: string): LineResult | undefined {
  const trimmed = line.replace(/^[ \t]+|[ \t]+$/g, '');
  if (trimmed === '' || trimmed.startsWith('#')) return undefined;
  const problems: GlobProblem[] = [];
  // Invisible characters could make a line read differently from what it means: a no-break
  // space turns `grants/ @alice` into one pattern with no owners. Refuse them.
  const bad = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|(?! )\p{Zs}/u.exec(trimmed.replace(/\t/g, ' '));
  if (bad) {
    return {
      problems: [
        {
          problem: `the line contains the invisible or control character ${codePoint(bad[0])}`,
          fix: 'Remove it, and separate the pattern and owners with plain spaces.',
          ambiguous: true,
        },
      ],
    };
  }
  const tokens = tokenize(trimmed);
  const pattern = tokens[0]!;
  const glob = compileGlob(pattern);
  problems.push(...glob.problems);
  const owners = tokens.slice(1);
  for (const owner of owners) {
    if (ownerKind(owner) === undefined) problems.push(ownerProblem(owner));
  }
  return problems.length > 0 ? { problems } : { pattern, owners };
}

/**
 * Splits a line on unescaped spaces and tabs. A token that starts with `#` starts a comment
 * (GitHub allows `pattern @owner # comment`). `\ ` keeps a space inside the pattern.
 */
function tokenize(line: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let escaped = false;
  for (const ch of line) {
    if (escaped) {
      current += ch;
      escaped = false;
    } else if (ch === ' ' || ch === '\t') {
      if (current !== '') tokens.push(current);
      current = '';
    } else if (ch === '#' && current === '' && tokens.length > 0) {
      return tokens;
    } else {
      if (ch === '\\') escaped = true;
      current += ch;
    }
  }
  if (current !== '') tokens.push(current);
  return tokens;
}

function ownerProblem(owner: string): GlobProblem {
  const problem = `the owner "${owner}" is not an @login, an @org/team or an email address`;
  if (owner === '@') return { problem, fix: 'Write the login or team after the "@".' };
  if (owner.includes(',')) {
    return { problem, fix: 'Separate owners with spaces, not commas.' };
  }
  if (/[^\x20-\x7E]/.test(owner)) {
    return { problem, fix: 'Type it again in plain ASCII; lookalikes such as "＠" are not "@".' };
  }
  if (!owner.startsWith('@') && !owner.includes('@')) {
    return { problem, fix: `Write it as "@${owner}".` };
  }
  return {
    problem,
    fix: 'Use "@login", "@org/team-slug" or "name@example.com" (one owner per word).',
  };
}

function lineFinding(path: string, line: number, raw: string, problems: GlobProblem[]): Finding {
  const what = problems.map((p) => p.problem).join('; ');
  const verdict = problems.every((p) => p.ambiguous)
    ? 'its meaning on GitHub is uncertain, so jit-access rejects the line'
    : 'GitHub skips this line';
  const fixes = problems.map((p) => p.fix).join(' ');
  return finding(
    'E_CODEOWNERS_INVALID',
    `${path} line ${line} (${visible(raw)}): ${what}; ${verdict}. ${fixes}`,
    { path, line },
  );
}

/** The line as a quoted string with invisible characters spelled out, at most 200 characters. */
function visible(raw: string): string {
  const chars = Array.from(raw.replace(/\r$/, ''));
  const shown = chars.slice(0, 200).join('') + (chars.length > 200 ? '…' : '');
  return `"${shown.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|(?! )\p{Zs}/gu, (ch) => `[${codePoint(ch)}]`)}"`;
}

function codePoint(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
