import { describe, expect, it } from 'vitest';
import {
  CODEOWNERS_MAX_BYTES,
  locateCodeowners,
  ownerKind,
  ownersFor,
  parseCodeowners,
  type Rule,
} from '../../src/core/codeowners.js';
import { compileGlob, matchGlob } from '../../src/core/glob.js';

const FILE = '.github/CODEOWNERS';

/** Parses `text`, insists it has no errors, and returns the owners of `path`. */
function owners(text: string, path: string): { owners: string[]; line?: number } {
  const { rules, errors } = parseCodeowners(text, FILE);
  expect(errors).toEqual([]);
  const { owners: o, rule } = ownersFor(rules, path);
  return rule ? { owners: o, line: rule.line } : { owners: o };
}

// [name, CODEOWNERS text, path, expected owners, line of the winning rule (absent: no rule)]
type OwnerCase = [string, string, string, string[], number?];

const ownerCases: OwnerCase[] = [
  // `*` and extensions
  ['lone * matches a root file', '* @a', 'README.md', ['@a'], 1],
  ['lone * matches a nested file', '* @a', 'grants/coupa/x.yaml', ['@a'], 1],
  ['*.yaml matches at the root', '*.yaml @a', 'x.yaml', ['@a'], 1],
  ['*.yaml matches at any depth', '*.yaml @a', 'grants/coupa/x.yaml', ['@a'], 1],
  ['*.yaml does not match .yml', '*.yaml @a', 'grants/coupa/x.yml', []],
  ['*.yaml does not match a longer extension', '*.yaml @a', 'x.yaml.bak', []],
  // patterns without a slash match at any depth
  ['bare name matches a file of that name', 'apps @a', 'apps', ['@a'], 1],
  ['bare name matches a directory at the root', 'apps @a', 'apps/x.js', ['@a'], 1],
  ['bare name matches a directory at any depth', 'apps @a', 'src/apps/x/y.js', ['@a'], 1],
  ['bare name does not match a prefix', 'apps @a', 'apps2/x.js', []],
  ['bare name does not match a suffix', 'apps @a', 'myapps/x.js', []],
  // leading slash anchors
  ['leading / matches at the root', '/apps @a', 'apps/x.js', ['@a'], 1],
  ['leading / does not match deeper', '/apps @a', 'src/apps/x.js', []],
  // a middle slash anchors too
  ['middle slash matches from the root', 'docs/build @a', 'docs/build/x.md', ['@a'], 1],
  ['middle slash is anchored', 'docs/build @a', 'src/docs/build/x.md', []],
  ['middle slash matches the file itself', 'docs/build @a', 'docs/build', ['@a'], 1],
  // trailing slash: a directory and everything under it
  ['trailing / matches a direct child', 'apps/ @a', 'apps/x.js', ['@a'], 1],
  ['trailing / matches deep children', 'apps/ @a', 'apps/a/b/c.js', ['@a'], 1],
  ['unanchored trailing / matches at any depth', 'apps/ @a', 'src/apps/x.js', ['@a'], 1],
  ['trailing / does not match a file of that name', 'apps/ @a', 'apps', []],
  ['anchored directory', '/build/logs/ @a', 'build/logs/2026/x.log', ['@a'], 1],
  ['anchored directory is not matched deeper', '/build/logs/ @a', 'x/build/logs/y.log', []],
  ['grants folder of one system', '/grants/coupa/ @a', 'grants/coupa/alice.yaml', ['@a'], 1],
  ['grants folder is not a prefix match', '/grants/coupa/ @a', 'grants/coupa-eu/alice.yaml', []],
  ['grants folder is anchored', '/grants/coupa/ @a', 'old/grants/coupa/alice.yaml', []],
  // `*` does not cross `/`; `docs/*` is direct children only
  ['docs/* matches a direct child', 'docs/* @a', 'docs/guide.md', ['@a'], 1],
  ['docs/* does not match nested files', 'docs/* @a', 'docs/build-app/troubleshooting.md', []],
  ['/* matches root files only', '/* @a', 'README.md', ['@a'], 1],
  ['/* does not match nested files', '/* @a', 'src/index.ts', []],
  ['/*/ matches files inside any top-level directory', '/*/ @a', 'src/index.ts', ['@a'], 1],
  ['/*/ does not match root files', '/*/ @a', 'README.md', []],
  ['* inside a segment stops at /', '/grants/*.yaml @a', 'grants/coupa/x.yaml', []],
  ['* inside a segment', '/grants/*/*-readonly-*.yaml', 'grants/db/a-readonly-1.yaml', [], 1],
  ['prefix and suffix of * may not overlap', '/ab*ba @x', 'aba', []],
  ['prefix and suffix of * around an empty match', '/ab*ba @x', 'abba', ['@x'], 1],
  [
    '* may match nothing',
    '/grants/db/*-readonly-*.yaml @a',
    'grants/db/-readonly-.yaml',
    ['@a'],
    1,
  ],
  ['middle lone * is exactly one segment', 'a/*/c @x', 'a/b/c', ['@x'], 1],
  ['middle lone * is not zero segments', 'a/*/c @x', 'a/c', []],
  ['middle lone * is not two segments', 'a/*/c @x', 'a/b/b/c', []],
  ['middle lone * pattern matches below its last segment', 'a/*/c @x', 'a/b/c/d', ['@x'], 1],
  ['triple * acts as a single *', '/a/***.md @x', 'a/b.md', ['@x'], 1],
  ['** inside a segment acts as *', '**.md @x', 'docs/b.md', ['@x'], 1],
  // `**` in leading, middle and trailing positions
  ['leading ** at the root', '**/logs @a', 'logs/x', ['@a'], 1],
  ['leading ** at any depth', '**/logs @a', 'a/b/logs/x', ['@a'], 1],
  ['leading ** with more segments', '**/foo/bar @a', 'x/foo/bar', ['@a'], 1],
  ['leading ** keeps segment order', '**/foo/bar @a', 'x/foo/x/bar', []],
  ['trailing ** matches everything below', 'logs/** @a', 'logs/a/b/c', ['@a'], 1],
  ['trailing ** does not match the directory name itself', 'logs/** @a', 'logs', []],
  ['trailing ** is anchored', 'logs/** @a', 'x/logs/a', []],
  ['middle ** matches zero segments', 'a/**/b @x', 'a/b', ['@x'], 1],
  ['middle ** matches one segment', 'a/**/b @x', 'a/1/b', ['@x'], 1],
  ['middle ** matches many segments', 'a/**/b @x', 'a/1/2/3/b/c.txt', ['@x'], 1],
  ['middle ** needs whole segments', 'a/**/b @x', 'a/xb', []],
  ['middle ** with a trailing wildcard', 'a/**/b/c* @x', 'a/1/b/cat', ['@x'], 1],
  ['middle ** with a trailing wildcard, wrong name', 'a/**/b/c* @x', 'a/1/b/dog', []],
  ['lone ** matches every file', '** @a', 'a/b/c', ['@a'], 1],
  ['/** matches every file', '/** @a', 'top.txt', ['@a'], 1],
  ['**/ matches files inside any directory', '**/ @a', 'a/b', ['@a'], 1],
  ['**/ does not match root files', '**/ @a', 'b', []],
  ['dir/**/ matches files in subdirectories', 'a/**/ @x', 'a/b/c', ['@x'], 1],
  ['dir/**/ does not match direct children', 'a/**/ @x', 'a/b', []],
  // `?`
  ['? matches one character', 'f?o @a', 'foo', ['@a'], 1],
  ['? does not match zero characters', 'f?o @a', 'fo', []],
  ['? does not match /', '/f?o @a', 'f/o', []],
  ['? matches one astral character', 'f?o @a', 'f😀o', ['@a'], 1],
  // literal text: no RegExp meaning, escapes, case
  ['. is literal', 'a.b @a', 'axb', []],
  ['RegExp metacharacters are literal', '/(x)+$^{1}|.txt @a', '(x)+$^{1}|.txt', ['@a'], 1],
  ['RegExp metacharacters do not act as RegExp', '/(x)+ @a', 'xx', []],
  ['escaped * is literal', 'f\\*o @a', 'f*o', ['@a'], 1],
  ['escaped * does not match other text', 'f\\*o @a', 'foo', []],
  ['escaped space is part of the pattern', '/my\\ file.txt @a', 'my file.txt', ['@a'], 1],
  ['paths are case-sensitive', '/Grants/ @a', 'grants/x.yaml', []],
  ['extensions are case-sensitive', '*.YAML @a', 'x.yaml', []],
  ['unicode literal', '/données/ @a', 'données/x', ['@a'], 1],
  // rule order and empty owners
  ['the last matching rule wins', '* @a\n*.yaml @b', 'x.yaml', ['@b'], 2],
  [
    'an earlier rule wins when the later one does not match',
    '*.yaml @b\n/docs/ @c',
    'x.yaml',
    ['@b'],
    1,
  ],
  [
    'a later rule with no owners overrides an owner rule',
    '/apps/ @a\n/apps/github',
    'apps/github/x',
    [],
    2,
  ],
  [
    'a rule with no owners only covers its paths',
    '/apps/ @a\n/apps/github',
    'apps/web/x',
    ['@a'],
    1,
  ],
  ['an owner rule after an empty rule wins again', '/a/\n/a/b/ @x', 'a/b/c', ['@x'], 2],
  ['no matching rule', '/docs/ @a', 'src/x.ts', []],
  ['empty file', '', 'src/x.ts', []],
  [
    'several owners in order',
    '* @b @a @acme/t x@example.com',
    'f',
    ['@b', '@a', '@acme/t', 'x@example.com'],
    1,
  ],
  ['email owners are kept', '*.go docs@example.com', 'main.go', ['docs@example.com'], 1],
  [
    'owner case is preserved',
    '* @Alice @Acme/Platform-Security',
    'f',
    ['@Alice', '@Acme/Platform-Security'],
    1,
  ],
  // comments, whitespace and line endings
  ['a trailing comment is ignored', '* @a # owners of everything', 'f', ['@a'], 1],
  ['a comment right after the pattern means no owners', '* @a\n/x/ # nobody', 'x/y', [], 2],
  ['a comment without a space before the text', '* @a #comment', 'f', ['@a'], 1],
  [
    'full-line comments and blank lines are skipped',
    '# c\n\n   \n  # indented comment\n* @a',
    'f',
    ['@a'],
    5,
  ],
  ['CRLF line endings', '* @a\r\n/x/ @b\r\n', 'x/y', ['@b'], 2],
  ['CRLF without a final newline', '* @a\r\n/x/ @b', 'x/y', ['@b'], 2],
  ['tabs separate pattern and owners', '/x/\t@a\t\t@b', 'x/y', ['@a', '@b'], 1],
  ['leading whitespace before a pattern', '   /x/ @a', 'x/y', ['@a'], 1],
  ['a byte order mark is ignored', '\uFEFF/x/ @a', 'x/y', ['@a'], 1],
];

describe('ownersFor (table)', () => {
  it.each(ownerCases)('%s', (_name, text, path, expected, line) => {
    const got = owners(text, path);
    expect(got.owners).toEqual(expected);
    expect(got.line).toBe(line);
  });
});

describe('GitHub documentation example', () => {
  const docExample = [
    '# This is a comment.',
    '*       @global-owner1 @global-owner2',
    '*.js    @js-owner #This is an inline comment.',
    '*.go docs@example.com',
    '*.txt @octo-org/octocats',
    '/build/logs/ @doctocat',
    'docs/*  docs@example.com',
    'apps/ @octocat',
    '/docs/ @doctocat',
    '/scripts/ @doctocat @octocat',
    '**/logs @octocat',
    '/apps/ @octocat',
    '/apps/github',
    '/apps/ @octocat',
    '/apps/github @doctocat',
  ].join('\n');
  const cases: [string, string[], number][] = [
    ['README.md', ['@global-owner1', '@global-owner2'], 2],
    ['src/app.js', ['@js-owner'], 3],
    ['cmd/main.go', ['docs@example.com'], 4],
    ['notes/a.txt', ['@octo-org/octocats'], 5],
    ['build/logs/x/y.log', ['@octocat'], 11],
    ['docs/getting-started.md', ['@doctocat'], 9],
    ['docs/build-app/troubleshooting.md', ['@doctocat'], 9],
    ['src/apps/x', ['@octocat'], 8],
    ['scripts/run.sh', ['@doctocat', '@octocat'], 10],
    ['deep/logs/a', ['@octocat'], 11],
    ['apps/github/x', ['@doctocat'], 15],
    ['apps/web/x', ['@octocat'], 14],
  ];
  it.each(cases)('%s', (path, expected, line) => {
    expect(owners(docExample, path)).toEqual({ owners: expected, line });
  });
});

describe('the example organisation', () => {
  const acme = [
    '*                                   @acme/platform-security',
    '/policies/                          @acme/platform-security',
    '/grants/coupa/                      @acme/procurement-leads',
    '/grants/procurement-db/             @acme/dba',
    '/grants/procurement-integrations/   @acme/procurement-integrations @oscar',
    '/grants/procurement-db/*-readonly-*.yaml',
    '/grants/procurement-integrations/*-triage-*.yaml',
  ].join('\n');
  const cases: [string, string[]][] = [
    ['grants/coupa/alice-invoice-approver-proc-4821.yaml', ['@acme/procurement-leads']],
    ['grants/procurement-db/dave-dba-break-glass-inc-311.yaml', ['@acme/dba']],
    ['grants/procurement-db/alice-readonly-proc-4951.yaml', []],
    ['grants/procurement-integrations/heidi-triage-2026-12-04.yaml', []],
    [
      'grants/procurement-integrations/erin-admin-2026-11-20.yaml',
      ['@acme/procurement-integrations', '@oscar'],
    ],
    ['policies/coupa.yaml', ['@acme/platform-security']],
    ['grants/unknown/x.yaml', ['@acme/platform-security']],
  ];
  it.each(cases)('%s', (path, expected) => {
    expect(owners(acme, path).owners).toEqual(expected);
  });
});

// [name, invalid line, text the message must contain, text of the fix]
const invalidCases: [string, string, string, string][] = [
  ['owner without @', 'grants/ alice', 'owner "alice"', 'Write it as "@alice"'],
  ['@ alone', '* @', 'owner "@"', 'after the "@"'],
  ['comma-separated owners', '* @a,@b', 'owner "@a,@b"', 'not commas'],
  ['team without a slug', '* @acme/', 'owner "@acme/"', '@org/team-slug'],
  ['team without an org', '* @/team', 'owner "@/team"', '@org/team-slug'],
  ['nested team path', '* @acme/a/b', 'owner "@acme/a/b"', '@org/team-slug'],
  ['login starting with a hyphen', '* @-alice', 'owner "@-alice"', '@login'],
  ['login with punctuation', '* @alice!', 'owner "@alice!"', '@login'],
  ['incomplete email', '* alice@', 'owner "alice@"', 'name@example.com'],
  ['fullwidth @', '* ＠alice', 'owner "＠alice"', 'plain ASCII'],
  ['negation', '!grants/coupa/ @a', '"!" negation', 'later rule with no owners'],
  ['character range', 'Python/ceval*.[ch] @a', '"[ ]" character ranges', 'one rule per path'],
  ['unclosed bracket', 'grants/[coupa @a', '"[ ]" character ranges', 'one rule per path'],
  ['GitLab section header', '[Documentation]', '"[ ]" character ranges', 'one rule per path'],
  ['escaped leading #', '\\#notes.md @a', 'escapes a leading "#"', '"?name"'],
  ['# inside a pattern', 'a#b @a', 'contains "#"', 'Replace the "#" with "?"'],
  ['pattern of only /', '/ @a', 'matches nothing', 'Use "*"'],
  ['empty segment', 'a//b @a', 'empty path segment', 'single "/"'],
  ['dot segment', './a @a', '"." segment', 'without "." or ".."'],
  ['dot-dot segment', 'a/../b @a', '".." segment', 'without "." or ".."'],
  ['trailing backslash', 'a\\', 'lone "\\"', 'trailing backslash'],
  ['no-break space as separator', 'grants/\u00A0@alice', '[U+00A0]', 'plain spaces'],
  ['bidi override', 'grants/\u202E @a', '[U+202E]', 'plain spaces'],
  ['NUL byte', 'grants/\u0000 @a', '[U+0000]', 'plain spaces'],
  ['zero-width space', '/x/\u200B @a', '[U+200B]', 'plain spaces'],
];

describe('invalid lines', () => {
  it.each(invalidCases)('%s', (_name, line, problem, fix) => {
    const text = `* @fallback\n${line}\n/docs/ @docs\n`;
    const { rules, errors } = parseCodeowners(text, FILE);
    expect(errors).toHaveLength(1);
    const [error] = errors;
    expect(error).toMatchObject({ code: 'E_CODEOWNERS_INVALID', path: FILE, line: 2 });
    expect(error?.message).toContain(`${FILE} line 2 (`);
    expect(error?.message).toContain(problem);
    expect(error?.message).toContain(fix);
    // The valid lines around it still parse, with their own line numbers.
    expect(rules.map((r) => [r.pattern, r.line])).toEqual([
      ['*', 1],
      ['/docs/', 3],
    ]);
  });

  it('GitHub-documented problems say GitHub skips the line; guesses say so', () => {
    const { errors } = parseCodeowners('!x @a\na#b @a', FILE);
    expect(errors[0]?.message).toContain('GitHub skips this line');
    expect(errors[1]?.message).toContain('its meaning on GitHub is uncertain');
  });

  it('a skipped line gives no rule, so an earlier rule keeps the path', () => {
    const { rules } = parseCodeowners('/grants/ @security\n/grants/coupa/ alice', FILE);
    expect(ownersFor(rules, 'grants/coupa/x.yaml').owners).toEqual(['@security']);
  });

  it('reports every invalid line with its own number', () => {
    const { errors } = parseCodeowners('* @a\nx alice\n\n# c\ny bob\r\n!z @c', FILE);
    expect(errors.map((e) => e.line)).toEqual([2, 5, 6]);
  });

  it('lists every problem of one line in one finding', () => {
    const { errors } = parseCodeowners('x[1] alice @', FILE);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/character ranges.*owner "alice".*owner "@"/);
  });

  it('shows the offending line with invisible characters spelled out', () => {
    const { errors } = parseCodeowners('a\u202Eb @x', FILE);
    expect(errors[0]?.message).toContain('("a[U+202E]b @x")');
    expect(errors[0]?.message).not.toContain('\u202E');
  });

  it('shortens a very long offending line in the message', () => {
    const { errors } = parseCodeowners(`${'a'.repeat(5000)} bad`, FILE);
    expect(errors[0]?.message.length).toBeLessThan(600);
  });

  it('ignores a CODEOWNERS file of 3 MB or more, as GitHub does', () => {
    const text = `* @a\n# ${'x'.repeat(CODEOWNERS_MAX_BYTES)}`;
    const { rules, errors } = parseCodeowners(text, FILE);
    expect(rules).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain('3 MB');
  });

  it('counts the size in UTF-8 bytes', () => {
    const text = `* @a\n# ${'é'.repeat(CODEOWNERS_MAX_BYTES / 2)}`;
    expect(text.length).toBeLessThan(CODEOWNERS_MAX_BYTES);
    expect(parseCodeowners(text, FILE).errors).toHaveLength(1);
  });
});

describe('parseCodeowners output', () => {
  it('keeps pattern, owners and line as written', () => {
    const { rules } = parseCodeowners(
      '# c\n/grants/coupa/   @Acme/Leads  a@example.com\n/x/',
      FILE,
    );
    expect(rules).toEqual([
      { pattern: '/grants/coupa/', owners: ['@Acme/Leads', 'a@example.com'], line: 2 },
      { pattern: '/x/', owners: [], line: 3 },
    ]);
  });

  it('never throws on arbitrary input', () => {
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const alphabet = [
      'a',
      '/',
      '*',
      '?',
      '\\',
      ' ',
      '\t',
      '#',
      '@',
      '!',
      '[',
      '\n',
      '\r',
      '.',
      '\u202E',
      '😀',
    ];
    for (let i = 0; i < 300; i++) {
      const text = Array.from({ length: 40 }, () => alphabet[rand(alphabet.length)]).join('');
      const { rules } = parseCodeowners(text, FILE);
      const path = Array.from({ length: 12 }, () => alphabet[rand(4)]).join('');
      expect(() => ownersFor(rules, path)).not.toThrow();
    }
    expect(parseCodeowners(undefined as unknown as string, FILE)).toEqual({
      rules: [],
      errors: [],
    });
  });
});

describe('ownersFor', () => {
  it('returns a copy of the owners', () => {
    const { rules } = parseCodeowners('* @a', FILE);
    ownersFor(rules, 'x').owners.push('@mallory');
    expect(ownersFor(rules, 'x').owners).toEqual(['@a']);
  });

  it('a hand-made rule with an invalid pattern never matches', () => {
    const rules: Rule[] = [
      { pattern: '*', owners: ['@a'], line: 1 },
      { pattern: '!x', owners: [], line: 2 },
    ];
    expect(ownersFor(rules, 'x').owners).toEqual(['@a']);
  });

  it('follows a rule whose pattern was changed after the first lookup', () => {
    const rule: Rule = { pattern: '/a/', owners: ['@a'], line: 1 };
    expect(ownersFor([rule], 'a/x').rule).toBe(rule);
    rule.pattern = '/b/';
    expect(ownersFor([rule], 'a/x').rule).toBeUndefined();
    expect(ownersFor([rule], 'b/x').rule).toBe(rule);
  });
});

describe('ownerKind', () => {
  const cases: [string, ReturnType<typeof ownerKind>][] = [
    ['@alice', 'user'],
    ['@Alice-Smith', 'user'],
    ['@alice_acme', 'user'],
    ['@acme/platform-security', 'team'],
    ['@Acme/Team_1.x', 'team'],
    ['first.last+tag@example.co.uk', 'email'],
    ['docs@example.com', 'email'],
    ['alice', undefined],
    ['@', undefined],
    ['@acme/', undefined],
    ['a@b', undefined],
  ];
  it.each(cases)('%s', (owner, kind) => {
    expect(ownerKind(owner)).toBe(kind);
  });
});

describe('locateCodeowners', () => {
  const cases: [string, string[], string | undefined][] = [
    [
      '.github first',
      ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'],
      '.github/CODEOWNERS',
    ],
    ['root before docs', ['CODEOWNERS', 'docs/CODEOWNERS'], 'CODEOWNERS'],
    ['docs last', ['docs/CODEOWNERS'], 'docs/CODEOWNERS'],
    ['none', ['codeowners', '.gitlab/CODEOWNERS', 'docs/codeowners'], undefined],
  ];
  it.each(cases)('%s', (_name, present, expected) => {
    const files = (p: string): string | undefined => (present.includes(p) ? `* @${p}` : undefined);
    expect(locateCodeowners(files)?.path).toBe(expected);
    if (expected) expect(locateCodeowners(files)?.text).toBe(`* @${expected}`);
  });

  it('an empty file still exists and wins', () => {
    const files = (p: string): string | undefined =>
      p === '.github/CODEOWNERS' ? '' : p === 'CODEOWNERS' ? '* @a' : undefined;
    expect(locateCodeowners(files)).toEqual({ path: '.github/CODEOWNERS', text: '' });
  });
});

describe('glob matcher', () => {
  it('compiles each pattern once and reports problems instead of throwing', () => {
    expect(compileGlob('[a]').problems).toHaveLength(1);
    expect(compileGlob('a/b').problems).toEqual([]);
  });

  it('has no catastrophic backtracking on hostile paths', () => {
    const stars = compileGlob(`${'*a'.repeat(12)}*b`).glob!;
    const globstars = compileGlob(`${'**/a/'.repeat(8)}b`).glob!;
    const start = performance.now();
    expect(matchGlob(stars, 'a'.repeat(5000))).toBe(false);
    expect(matchGlob(globstars, Array(3000).fill('a').join('/'))).toBe(false);
    expect(performance.now() - start).toBeLessThan(500);
  });

  it('matches 10,000 paths against 200 rules well under a second', () => {
    const lines: string[] = [];
    for (let i = 0; i < 200; i++) {
      lines.push(
        [
          `/grants/sys${i}/ @acme/t${i}`,
          `*.ext${i} @u${i}`,
          `docs/**/x${i}/*.md @a${i}`,
          `/grants/sys${i}/*-readonly-*.yaml`,
          `**/lib${i}/ @b${i}`,
        ][i % 5]!,
      );
    }
    const { rules, errors } = parseCodeowners(lines.join('\n'), FILE);
    expect(errors).toEqual([]);
    const paths = Array.from(
      { length: 10_000 },
      (_, i) => `${i % 3 ? '' : 'deep/a/b/c/'}grants/sys${i % 250}/user-${i}-readonly.yaml`,
    );
    const start = performance.now();
    let matched = 0;
    for (const path of paths) if (ownersFor(rules, path).rule) matched++;
    const elapsed = performance.now() - start;
    expect(matched).toBeGreaterThan(0);
    expect(elapsed).toBeLessThan(1000);
  });
});
