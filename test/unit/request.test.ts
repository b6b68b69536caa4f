import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runCli } from '../../src/cli/main.js';
import { parseStrictYaml } from '../../src/core/load/yaml-strict.js';
import { draftGrant, type GrantRequest, grantBaseName } from '../../src/core/request.js';
import { parseInstant } from '../../src/core/time.js';

const REPO = resolve(import.meta.dirname, '../..');
const NOW = '2026-12-05T10:00:00Z';
const ms = (t: string) => {
  const p = parseInstant(t);
  if (!p.ok) throw new Error(t);
  return p.ms;
};

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the example organisation (policies, grants, CODEOWNERS) in a fresh directory. */
function exampleRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jit-request-'));
  for (const p of ['policies', 'grants', '.github'])
    cpSync(join(REPO, p), join(dir, p), { recursive: true });
  dirs.push(dir);
  return dir;
}

/**
 * Runs the CLI in-process. The environment has no JIT_REQUESTER and a git configuration that
 * cannot name a github.user, unless the test provides one.
 */
async function jit(argv: string[], cwd: string, env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: {
      PATH: process.env.PATH,
      HOME: cwd,
      GIT_CONFIG_GLOBAL: join(cwd, 'no-such-gitconfig'),
      GIT_CONFIG_NOSYSTEM: '1',
      ...env,
    },
    cwd,
    now: () => {
      throw new Error('the tests always pass --now');
    },
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const grantFiles = (dir: string, system: string) => readdirSync(join(dir, 'grants', system)).sort();

const COUPA = [
  '--now',
  NOW,
  '--system',
  'coupa',
  '--role',
  'invoice-approver',
  '--ticket',
  'PROC-5001',
  '--justification',
  'Approve the supplier invoices of the Q4 close.',
  '--field',
  'cost_center=CC-1234',
];

describe('jit request writes a grant that jit check accepts', () => {
  it('writes grants/coupa/erin-invoice-approver-proc-5001.yaml and check exits 0', async () => {
    const dir = exampleRepo();
    const r = await jit(['request', ...COUPA, '--for', '4h', '--requester', 'erin'], dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const path = 'grants/coupa/erin-invoice-approver-proc-5001.yaml';
    const content = readFileSync(join(dir, path), 'utf8');
    expect(content).toBe(
      [
        '# yaml-language-server: $schema=../../schemas/grant.schema.json',
        'requester: erin',
        'role: invoice-approver',
        'ticket: PROC-5001',
        'justification: "Approve the supplier invoices of the Q4 close."',
        'cost_center: CC-1234',
        'expires_at: "2026-12-05T14:00:00Z"',
        '',
      ].join('\n'),
    );
    expect(r.out).toContain(`Wrote ${path}:`);
    expect(r.out).toContain('git switch -c jit/coupa/erin-invoice-approver-proc-5001');
    expect(r.out).toContain(`git add ${path}`);
    expect(r.out).toContain('1 approval(s) from @acme/procurement-leads');

    const check = await jit(['check', '--json', '--now', NOW, '--root', dir], REPO);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.out)).toMatchObject({ ok: true, errors: [], grants: 16 });
  });

  it('starts the window at --start and names the file by the start date without a ticket', async () => {
    const dir = exampleRepo();
    const r = await jit(
      [
        'request',
        '--json',
        '--now',
        NOW,
        '--system',
        'procurement-integrations',
        '--role',
        'maintainer',
        '--requester',
        'heidi',
        '--start',
        '2026-12-06T09:00:00+01:00',
        '--for',
        '1d',
        '--justification',
        'Release the AP mapping fix.',
      ],
      dir,
    );
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json).toEqual({
      path: 'grants/procurement-integrations/heidi-maintainer-2026-12-06.yaml',
      content: expect.stringContaining(
        'starts_at: "2026-12-06T08:00:00Z"\nexpires_at: "2026-12-07T08:00:00Z"\n',
      ),
      approvers: ['oscar'],
      approvals: 1,
      code_owners: ['@acme/procurement-integrations', '@oscar'],
      written: true,
    });
    expect(readFileSync(join(dir, json.path), 'utf8')).toBe(json.content);
    expect((await jit(['check', '--now', NOW, '--root', dir], REPO)).code).toBe(0);
  });

  it('--dry-run prints the file and next steps but writes nothing', async () => {
    const dir = exampleRepo();
    const before = grantFiles(dir, 'coupa');
    const r = await jit(
      ['request', ...COUPA, '--for', '4h', '--requester', 'erin', '--dry-run'],
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain('Would write grants/coupa/erin-invoice-approver-proc-5001.yaml');
    expect(r.out).toContain('Next steps:');
    expect(grantFiles(dir, 'coupa')).toEqual(before);
  });
});

describe('jit request refuses what jit check would refuse, and writes nothing', () => {
  const cases: Array<{ name: string; argv: string[]; code: string; system: string }> = [
    {
      name: 'over the role max_duration (8h)',
      argv: [...COUPA, '--for', '9h', '--requester', 'erin'],
      code: 'E_DURATION',
      system: 'coupa',
    },
    {
      name: 'ticket not matching the policy pattern',
      argv: [...COUPA, '--ticket', 'JIRA-1', '--for', '4h', '--requester', 'erin'],
      code: 'E_TICKET',
      system: 'coupa',
    },
    {
      name: 'a field grant_schema does not declare',
      argv: [...COUPA, '--field', 'laptop=yes', '--for', '4h', '--requester', 'erin'],
      code: 'E_SCHEMA',
      system: 'coupa',
    },
    {
      name: 'overlap with alice’s active invoice-approver grant',
      argv: [...COUPA, '--for', '4h', '--requester', 'alice'],
      code: 'E_OVERLAP',
      system: 'coupa',
    },
    {
      name: 'separation of duties: heidi approves payments until 17:00',
      argv: [
        '--now',
        NOW,
        '--system',
        'netsuite',
        '--role',
        'payment-releaser',
        '--ticket',
        'PROC-5002',
        '--for',
        '2h',
        '--requester',
        'heidi',
        '--justification',
        'Release the December payment batch to the bank.',
      ],
      code: 'E_SOD_CONFLICT',
      system: 'netsuite',
    },
    {
      name: 'unknown role',
      argv: [...COUPA, '--role', 'superuser', '--for', '1h', '--requester', 'erin'],
      code: 'E_UNKNOWN_ROLE',
      system: 'coupa',
    },
  ];
  for (const c of cases) {
    it(`${c.name} → exit 1, ${c.code}`, async () => {
      const dir = exampleRepo();
      const before = grantFiles(dir, c.system);
      const r = await jit(['request', ...c.argv], dir);
      expect(r.code).toBe(1);
      expect(r.out).toContain(c.code);
      expect(r.out).toContain('nothing was written');
      expect(grantFiles(dir, c.system)).toEqual(before);
    });
  }

  it('--json lists the findings', async () => {
    const dir = exampleRepo();
    const r = await jit(['request', ...COUPA, '--for', '9h', '--requester', 'erin', '--json'], dir);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    expect(json.written).toBe(false);
    expect(json.errors).toEqual([
      expect.objectContaining({
        code: 'E_DURATION',
        path: 'grants/coupa/erin-invoice-approver-proc-5001.yaml',
        message: expect.stringContaining('allows at most 8h'),
      }),
    ]);
  });
});

/** A system whose grant_schema allows free-form strings, to probe quoting. */
const LAB_POLICY = `description: Lab
max_duration: 8h
approvers: [carol]
ticket:
  pattern: "^PROC-[0-9]+$"
roles:
  tester: {}
grant_schema:
  properties:
    mode: { type: string }
    octal: { type: string }
    clock: { type: string }
    note: { type: string }
    handle: { type: string }
    empty: { type: string }
    multi: { type: string }
`;

describe('jit request keeps every value a string', () => {
  it('on, 0755, 1:30, #, leading @, empty and multi-line values round-trip', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jit-request-lab-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'policies'));
    writeFileSync(join(dir, 'policies/lab.yaml'), LAB_POLICY);
    const values = {
      mode: 'on',
      octal: '0755',
      clock: '1:30',
      note: '# not a comment',
      handle: '@alice',
      empty: '',
      multi: 'line one\nline "two": yes',
    };
    const r = await jit(
      [
        'request',
        '--now',
        NOW,
        '--system',
        'lab',
        '--role',
        'tester',
        '--for',
        '1h',
        '--requester',
        'erin',
        '--ticket',
        'PROC-0755',
        '--justification',
        'no',
        ...Object.entries(values).flatMap(([k, v]) => ['--field', `${k}=${v}`]),
      ],
      dir,
    );
    expect(r.out + r.err).not.toContain('error');
    expect(r.code).toBe(0);
    const text = readFileSync(join(dir, 'grants/lab/erin-tester-proc-0755.yaml'), 'utf8');
    const expected = {
      requester: 'erin',
      role: 'tester',
      ticket: 'PROC-0755',
      justification: 'no',
      ...values,
      expires_at: '2026-12-05T11:00:00Z',
    };
    // As jit reads it (failsafe), and as YAML 1.2 core and YAML 1.1 tools would.
    const strict = parseStrictYaml(text, { schema: 'failsafe', maxDepth: 8, path: 'x' });
    expect(strict).toEqual({ ok: true, value: expected });
    expect(parseYaml(text)).toEqual(expected);
    expect(parseYaml(text, { version: '1.1' })).toEqual(expected);
    expect(text).toContain('justification: "no"');
    expect(text).toContain('mode: "on"');
    expect((await jit(['check', '--now', NOW, '--root', dir], REPO)).code).toBe(0);
  });
});

describe('jit request never overwrites', () => {
  it('adds -2, then -3, when the name is taken', async () => {
    const dir = exampleRepo();
    const argv = (start: string) => [
      'request',
      ...COUPA,
      '--for',
      '2h',
      '--requester',
      'erin',
      '--start',
      start,
    ];
    expect((await jit(argv('2026-12-05T11:00:00Z'), dir)).code).toBe(0);
    expect((await jit(argv('2026-12-05T14:00:00Z'), dir)).code).toBe(0);
    const third = await jit(argv('2026-12-05T17:00:00Z'), dir);
    expect(third.code).toBe(0);
    expect(third.out).toContain('Wrote grants/coupa/erin-invoice-approver-proc-5001-3.yaml');
    expect(grantFiles(dir, 'coupa').filter((f) => f.startsWith('erin-invoice'))).toEqual([
      'erin-invoice-approver-proc-5001-2.yaml',
      'erin-invoice-approver-proc-5001-3.yaml',
      'erin-invoice-approver-proc-5001.yaml',
    ]);
    const first = readFileSync(
      join(dir, 'grants/coupa/erin-invoice-approver-proc-5001.yaml'),
      'utf8',
    );
    expect(first).toContain('starts_at: "2026-12-05T11:00:00Z"');
    expect((await jit(['check', '--now', NOW, '--root', dir], REPO)).code).toBe(0);
  });
});

describe('jit request: who is asking', () => {
  it('without --requester, JIT_REQUESTER or git config github.user → exit 2, nothing written', async () => {
    const dir = exampleRepo();
    const before = grantFiles(dir, 'coupa');
    const r = await jit(['request', ...COUPA, '--for', '4h'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--requester');
    expect(r.out).toBe('');
    expect(grantFiles(dir, 'coupa')).toEqual(before);
  });

  it('uses JIT_REQUESTER', async () => {
    const dir = exampleRepo();
    const r = await jit(['request', ...COUPA, '--for', '4h', '--dry-run'], dir, {
      JIT_REQUESTER: 'dave',
    });
    expect(r.code).toBe(0);
    expect(r.out).toContain('requester: dave');
  });

  it('uses git config github.user', async () => {
    const dir = exampleRepo();
    const gitconfig = join(dir, 'gitconfig');
    writeFileSync(gitconfig, '[github]\n\tuser = judy\n');
    const r = await jit(['request', ...COUPA, '--for', '4h', '--dry-run'], dir, {
      GIT_CONFIG_GLOBAL: gitconfig,
    });
    expect(r.code).toBe(0);
    expect(r.out).toContain('requester: judy');
    expect(r.out).toContain('grants/coupa/judy-invoice-approver-proc-5001.yaml');
  });

  it('writes subject when it differs from the requester', async () => {
    const dir = exampleRepo();
    const r = await jit(
      [
        'request',
        ...COUPA,
        '--for',
        '4h',
        '--requester',
        'carol',
        '--subject',
        'judy',
        '--dry-run',
      ],
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain('requester: carol\nsubject: judy\n');
    expect(r.out).toContain('reviewers other than carol and judy');
  });
});

describe('jit request usage errors (exit 2)', () => {
  const cases: Array<{ name: string; argv: string[]; message: string }> = [
    { name: 'bad --for', argv: [...COUPA, '--for', '4 hours'], message: '--for "4 hours"' },
    { name: 'missing --for', argv: COUPA, message: '--for is required' },
    {
      name: 'bad --start',
      argv: [...COUPA, '--for', '1h', '--start', '2026-12-05 11:00'],
      message: '--start',
    },
    {
      name: 'standard field via --field',
      argv: [...COUPA, '--for', '1h', '--field', 'expires_at=x'],
      message: 'use --for',
    },
    {
      name: 'field without =',
      argv: [...COUPA, '--for', '1h', '--field', 'cost_center'],
      message: 'key=value',
    },
    { name: 'unknown option', argv: [...COUPA, '--for', '1h', '--until', 'x'], message: '--until' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const dir = exampleRepo();
      const r = await jit(['request', ...c.argv, '--requester', 'erin'], dir);
      expect(r.code).toBe(2);
      expect(r.err).toContain(c.message);
      expect(existsSync(join(dir, 'grants/coupa/erin-invoice-approver-proc-5001.yaml'))).toBe(
        false,
      );
    });
  }
});

describe('draftGrant and grantBaseName (pure)', () => {
  const base: GrantRequest = {
    system: 'coupa',
    role: 'invoice-approver',
    requester: 'Alice',
    justification: 'x',
    durationMs: 3_600_000,
    fields: [],
    now: ms(NOW),
  };
  const names: Array<{ name: string; args: Parameters<typeof grantBaseName>; want: string }> = [
    {
      name: 'ticket lower-cased',
      args: ['Alice', 'po-approver', 'PROC-4821', 0],
      want: 'alice-po-approver-proc-4821',
    },
    {
      name: 'odd ticket characters',
      args: ['bob', 'analyst', 'INC/12 34#x', 0],
      want: 'bob-analyst-inc-12-34-x',
    },
    {
      name: 'no ticket: start date',
      args: ['heidi', 'triage', undefined, ms('2026-12-04T23:30:00Z')],
      want: 'heidi-triage-2026-12-04',
    },
    {
      name: 'trailing punctuation dropped',
      args: ['bob', 'analyst', 'T-1..', 0],
      want: 'bob-analyst-t-1',
    },
    {
      name: 'capped length',
      args: ['bob', 'analyst', 'X'.repeat(300), 0],
      want: `bob-analyst-${'x'.repeat(108)}`,
    },
  ];
  for (const c of names) it(c.name, () => expect(grantBaseName(...c.args)).toBe(c.want));

  it('expires_at = max(now, start) + duration', () => {
    expect(draftGrant(base, () => false).expiresAt).toBe(ms('2026-12-05T11:00:00Z'));
    const past = draftGrant({ ...base, start: ms('2026-12-04T00:00:00Z') }, () => false);
    expect(past.expiresAt).toBe(ms('2026-12-05T11:00:00Z'));
    const later = draftGrant({ ...base, start: ms('2026-12-06T00:00:00Z') }, () => false);
    expect(later.expiresAt).toBe(ms('2026-12-06T01:00:00Z'));
  });

  it('skips taken names', () => {
    const taken = new Set([
      'grants/coupa/alice-invoice-approver-2026-12-05.yaml',
      'grants/coupa/alice-invoice-approver-2026-12-05-2.yaml',
    ]);
    expect(draftGrant(base, (p) => taken.has(p)).path).toBe(
      'grants/coupa/alice-invoice-approver-2026-12-05-3.yaml',
    );
  });
});
