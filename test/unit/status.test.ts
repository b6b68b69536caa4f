import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { grantStatus } from '../../src/core/status.js';
import { formatSpan, parseInstant } from '../../src/core/time.js';
import { treeFromTexts } from '../../src/core/tree.js';

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

function exampleRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jit-status-'));
  for (const p of ['policies', 'grants', '.github']) {
    cpSync(join(REPO, p), join(dir, p), { recursive: true });
  }
  dirs.push(dir);
  return dir;
}

async function jit(argv: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: {},
    cwd,
    now: () => {
      throw new Error('the tests always pass --now');
    },
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const paths = (list: Array<{ path: string }>) => list.map((g) => g.path);

describe('jit status on the example organisation at 2026-12-05T10:00:00Z', () => {
  it('groups 4 active, 1 upcoming, 10 expired-but-present (docs/example-org.md)', async () => {
    const r = await jit(['status', '--json', '--now', NOW], exampleRepo());
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(paths(json.active)).toEqual([
      'grants/coupa/alice-invoice-approver-proc-4951.yaml',
      'grants/procurement-db/alice-readonly-proc-4951.yaml',
      'grants/netsuite/heidi-payment-approver-proc-4960.yaml',
      'grants/procurement-integrations/heidi-triage-2026-12-04.yaml',
    ]);
    expect(paths(json.upcoming)).toEqual(['grants/coupa/dave-po-approver-proc-4977.yaml']);
    expect(paths(json.expired)).toEqual([
      'grants/coupa/erin-po-approver-proc-4795.yaml',
      'grants/procurement-integrations/erin-maintainer-2026-11-17.yaml',
      'grants/procurement-integrations/erin-admin-2026-11-20.yaml',
      'grants/procurement-db/erin-analyst-proc-4850.yaml',
      'grants/coupa/alice-invoice-approver-proc-4821.yaml',
      'grants/netsuite/heidi-ap-clerk-proc-4888.yaml',
      'grants/coupa/dave-vendor-master-editor-proc-4870.yaml',
      'grants/procurement-db/dave-dba-break-glass-inc-311.yaml',
      'grants/netsuite/grace-payment-releaser-proc-4902.yaml',
      'grants/procurement-db/judy-readonly-proc-4930.yaml',
    ]);
    expect(json.errors).toEqual([]);
    expect(json.active[0]).toEqual({
      path: 'grants/coupa/alice-invoice-approver-proc-4951.yaml',
      system: 'coupa',
      role: 'invoice-approver',
      subject: 'alice',
      requester: 'alice',
      ticket: 'PROC-4951',
      starts_at: '2026-12-05T08:00:00Z',
      expires_at: '2026-12-05T16:00:00Z',
      span_seconds: 6 * 3600,
      span: '6h left',
    });
    expect(json.upcoming[0]).toMatchObject({ span: 'starts in 1d 22h', span_seconds: 46 * 3600 });
    expect(json.expired.at(-1)).toMatchObject({
      subject: 'judy',
      requester: 'carol',
      span: 'expired 3d 17h ago',
    });
  });

  it('prints one table per group, with subject, system/role, window and time', async () => {
    const r = await jit(['status', '--now', NOW], exampleRepo());
    expect(r.code).toBe(0);
    expect(r.out).toContain('Active (4)');
    expect(r.out).toContain('Upcoming (1)');
    expect(r.out).toContain('Expired but present (10)');
    expect(r.out).toMatch(
      /heidi +procurement-integrations\/triage +2026-12-04T09:00:00Z → 2026-12-09T09:00:00Z +3d 23h +grants\/procurement-integrations\/heidi-triage-2026-12-04\.yaml/,
    );
    expect(r.out).toContain('`jit expire`');
  });

  const filters: Array<{ name: string; argv: string[]; counts: [number, number, number] }> = [
    { name: '--system coupa', argv: ['--system', 'coupa'], counts: [1, 1, 3] },
    { name: '--subject heidi', argv: ['--subject', 'heidi'], counts: [2, 0, 1] },
    {
      name: '--subject HEIDI (logins are case-insensitive)',
      argv: ['--subject', 'HEIDI'],
      counts: [2, 0, 1],
    },
    {
      name: '--system netsuite --subject grace',
      argv: ['--system', 'netsuite', '--subject', 'grace'],
      counts: [0, 0, 1],
    },
  ];
  for (const f of filters) {
    it(f.name, async () => {
      const r = await jit(['status', '--json', '--now', NOW, ...f.argv], exampleRepo());
      expect(r.code).toBe(0);
      const json = JSON.parse(r.out);
      expect([json.active.length, json.upcoming.length, json.expired.length]).toEqual(f.counts);
    });
  }
});

describe('jit status lists grant files that do not load as errors', () => {
  it('exit 1, the broken files last, every other grant still listed', async () => {
    const dir = exampleRepo();
    writeFileSync(join(dir, 'grants/coupa/notes.txt'), 'not a grant');
    writeFileSync(
      join(dir, 'grants/netsuite/bob-ap-clerk-proc-1.yaml'),
      'requester: bob\nrole: ap-clerk\nticket: PROC-1\njustification: Enter the vendor bills of the December close.\nexpires_at: 2026-12-05T25:00:00Z\n',
    );
    const r = await jit(['status', '--json', '--now', NOW], dir);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    expect(json.active.length + json.upcoming.length + json.expired.length).toBe(15);
    expect(json.errors.map((e: { code: string; path: string }) => [e.code, e.path])).toEqual([
      ['E_PATH', 'grants/coupa/notes.txt'],
      ['E_TIME_FORMAT', 'grants/netsuite/bob-ap-clerk-proc-1.yaml'],
    ]);

    const human = await jit(['status', '--now', NOW], dir);
    expect(human.code).toBe(1);
    const lines = human.out.split('\n');
    expect(lines.at(-1)).toBe('2 grant file(s) did not load; run `jit check` for details.');
    expect(lines.at(-3)).toMatch(/^error +E_PATH +grants\/coupa\/notes\.txt:/);
  });

  it('--system narrows the errors too', async () => {
    const dir = exampleRepo();
    writeFileSync(join(dir, 'grants/coupa/notes.txt'), 'not a grant');
    const r = await jit(['status', '--json', '--now', NOW, '--system', 'netsuite'], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).errors).toEqual([]);
  });
});

describe('grantStatus window boundaries (pure)', () => {
  const policy = `max_duration: 7d
approvals: 0
roles:
  r: {}
`;
  const grant = (window: string) =>
    `requester: alice\nrole: r\njustification: testing the window edges\n${window}`;
  const at = '2026-12-05T10:00:00Z';
  const cases: Array<{ name: string; window: string; state: string; span: string }> = [
    {
      name: 'no starts_at is active',
      window: 'expires_at: "2026-12-05T12:00:00Z"',
      state: 'active',
      span: '2h',
    },
    {
      name: 'starts_at == now is active',
      window: 'starts_at: "2026-12-05T10:00:00Z"\nexpires_at: "2026-12-05T10:30:00Z"',
      state: 'active',
      span: '30m',
    },
    {
      name: 'starts_at one second ahead is upcoming',
      window: 'starts_at: "2026-12-05T10:00:01Z"\nexpires_at: "2026-12-05T11:00:00Z"',
      state: 'upcoming',
      span: '1s',
    },
    {
      name: 'expires_at == now is expired',
      window: 'expires_at: "2026-12-05T10:00:00Z"',
      state: 'expired',
      span: '0s',
    },
    {
      name: 'offsets compare as instants',
      window: 'starts_at: "2026-12-05T10:30:00+01:00"\nexpires_at: "2026-12-05T12:00:00+01:00"',
      state: 'active',
      span: '1h',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const tree = treeFromTexts({
        'policies/lab.yaml': policy,
        'grants/lab/g.yaml': grant(c.window),
      });
      const report = grantStatus(tree, ms(at));
      expect(report.errors).toEqual([]);
      const all = [...report.active, ...report.upcoming, ...report.expired];
      expect(all).toHaveLength(1);
      expect(all[0]!.state).toBe(c.state);
      expect(report[c.state as 'active']).toHaveLength(1);
      expect(formatSpan(all[0]!.spanMs)).toBe(c.span);
    });
  }
});
