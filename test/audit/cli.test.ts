import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shortSha } from '../../src/core/audit/history.js';
import { jit } from '../support/cli.js';
import { ALICE, aliceGrant, aliceTrailer, DECISION, gateMessage, POLICY } from './helpers.js';
import { TestRepo } from './repo.js';

const BOB = 'grants/netsuite/bob-ap-clerk.yaml';
let r: TestRepo;
let s1: string;
let s2: string;
let s3: string;

beforeAll(() => {
  r = new TestRepo();
  s1 = r.write(ALICE, aliceGrant()).commit(
    gateMessage('Request coupa access for alice (#1)', {
      grants: [aliceTrailer()],
      pr: 1,
      decision: DECISION,
    }),
    '2026-12-03T10:00:00Z',
    'github',
  );
  // A ticket and justification crafted for spreadsheets and terminals.
  s2 = r
    .write(
      BOB,
      aliceGrant({
        requester: 'bob',
        role: 'ap-clerk',
        ticket: '=HYPERLINK("http://evil.example","x")',
        expires_at: '2026-12-04T20:00:00Z',
      }),
    )
    .commit('direct push, "quoted", with a comma', '2026-12-04T09:00:00Z', 'bob');
  s3 = r
    .remove(ALICE)
    .commit(
      gateMessage('Remove expired grants (#3)', { expired: [ALICE], pr: 3 }),
      '2026-12-04T18:00:00Z',
      'github',
    );
});
afterAll(() => r.cleanup());

const audit = (...args: string[]) => jit(['audit', '--root', r.dir, ...args]);

describe('jit audit (CLI)', () => {
  it('--json prints one document with every event, oldest first', async () => {
    const { code, stdout, stderr } = await audit('--json');
    expect([code, stderr]).toEqual([0, '']);
    const doc = JSON.parse(stdout);
    expect(Object.keys(doc)).toEqual(['head', 'verified', 'events', 'findings']);
    expect(doc.head).toBe(s3);
    expect(doc.verified).toBe(false);
    expect(doc.findings).toEqual([]);
    expect(
      doc.events.map((e: { commit: string; event: string; path: string }) => [
        e.commit,
        e.event,
        e.path,
      ]),
    ).toEqual([
      [s1, 'granted', ALICE],
      [s2, 'granted', BOB],
      [s3, 'expired', ALICE],
    ]);
    expect(doc.events[0]).toMatchObject({
      approvers: ['carol'],
      policy: POLICY,
      decision: DECISION,
    });
  });

  it.each([
    ['--since 2026-12-04', ['s2', 's3']],
    ['--until 2026-12-03', ['s1']],
    ['--since 2026-12-04T09:00:00Z --until 2026-12-04T09:00:00Z', ['s2']],
    ['--since 2026-12-04T09:00:01Z --until 2026-12-04T17:59:59+00:00', []],
    ['--subject ALICE', ['s1', 's3']],
    ['--system netsuite', ['s2']],
    ['--system coupa --since 2026-12-04', ['s3']],
  ])('filter %s', async (flags, names) => {
    const { code, stdout } = await audit('--json', ...flags.split(' '));
    expect(code).toBe(0);
    const sha: Record<string, string> = { s1, s2, s3 };
    expect(JSON.parse(stdout).events.map((e: { commit: string }) => e.commit)).toEqual(
      names.map((n) => sha[n]),
    );
  });

  it('--csv: RFC 4180 with a header row, quoting, and formula cells defused', async () => {
    const { code, stdout } = await audit('--csv', '--system', 'netsuite');
    expect(code).toBe(0);
    expect(stdout.endsWith('\r')).toBe(true); // the last CRLF (the CLI adds the \n)
    const lines = stdout.slice(0, -1).split('\r\n');
    expect(lines).toEqual([
      'time,commit,event,path,system,subject,role,requester,approvers,ticket,starts_at,expires_at,pull_request,policy,decision,author,notes',
      `2026-12-04T09:00:00Z,${s2},granted,${BOB},netsuite,bob,ap-clerk,bob,(unknown),"'=HYPERLINK(""http://evil.example"",""x"")",,2026-12-04T20:00:00Z,,,,Bob <bob@acme.example>,"approvers unknown: no Jit-Grant trailer for this path (not merged by the gate: a direct push, a revert or a hand-made merge)"`,
    ]);
  });

  it('the table says who approved, and "(unknown)" where no trailer says it', async () => {
    const { code, stdout } = await audit();
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(`Audit trail of ${shortSha(s3)}: 3 event(s)`);
    expect(lines[1]).toMatch(
      /^time +event +path +subject +role +requester +approvers +ticket +pr +commit +notes$/,
    );
    expect(lines[3]).toMatch(
      new RegExp(
        `^2026-12-03T10:00:00Z +granted +${ALICE} +alice +invoice-approver +alice +carol +PROC-4821 +#1 +${shortSha(s1)}$`,
      ),
    );
    expect(lines[4]).toContain('(unknown)');
    expect(lines[5]).toMatch(/ expired .* - +PROC-4821 +#3 /);
  });

  it.each([
    [['--json', '--csv'], '--json and --csv exclude each other'],
    [['--since', 'yesterday'], '--since "yesterday" is not an RFC 3339 time'],
    [['--until', '2026-02-30'], '--until "2026-02-30" has day 30'],
    [['--since', '2026-12-05', '--until', '2026-12-04'], 'is not before --until'],
    [['--ref', 'no-such-branch'], '--ref "no-such-branch" does not name a commit'],
    [['--ref=--output=/tmp/x'], '--ref "--output=/tmp/x" is not a git ref'],
    [['--bogus'], "Unknown option '--bogus'"],
  ])('bad usage %j exits 2', async (args, message) => {
    const { code, stderr } = await audit(...args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('a folder that is not a git repository exits 2 and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jit-audit-nogit-'));
    try {
      mkdirSync(join(dir, 'policies'));
      writeFileSync(join(dir, 'policies', 'coupa.yaml'), 'description: x\n');
      const { code, stderr } = await jit(['audit', '--root', dir], dir);
      expect(code).toBe(2);
      expect(stderr).toContain('is not a git repository');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--ref audits another branch; --help explains the command', async () => {
    r.checkout(['-q', '-b', 'old', s1]);
    try {
      const { stdout } = await audit('--json', '--ref', 'old');
      expect(JSON.parse(stdout).events.map((e: { commit: string }) => e.commit)).toEqual([s1]);
    } finally {
      r.checkout(['main']);
    }
    const help = await jit(['audit', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--verify');
  });
});
