import { describe, expect, it } from 'vitest';
import { parseTrailers } from '../../src/core/audit/trailers.js';
import type { Grant } from '../../src/core/model.js';
import {
  branchName,
  type ExpiryPlanInput,
  type OpenRequestPr,
  planExpiry,
} from '../../src/jobs/expire/plan.js';
import { closeComment, removalBody, removalMessage } from '../../src/jobs/expire/render.js';

const NOW = Date.parse('2026-12-05T17:00:00Z');
const H = 3_600_000;

function grant(name: string, expiresAt: number, over: Partial<Grant> = {}): Grant {
  return {
    path: `grants/coupa/${name}.yaml`,
    system: 'coupa',
    name,
    requester: 'alice',
    subject: 'alice',
    role: 'invoice-approver',
    justification: 'Approve the Q4 invoices of vendor ACME.',
    expiresAt,
    fields: {},
    ...over,
  };
}

const input = (over: Partial<ExpiryPlanInput> = {}): ExpiryPlanInput => ({
  grants: [],
  loadErrors: [],
  openRemovalPrs: [],
  openRequestPrs: [],
  now: NOW,
  requestTtlMs: 72 * H,
  ...over,
});

const request = (over: Partial<OpenRequestPr> = {}): OpenRequestPr => ({
  number: 7,
  createdAt: NOW - H,
  status: 'pending',
  grants: [{ path: 'grants/coupa/bob.yaml', expiresAt: NOW + 4 * H, role: 'invoice-approver' }],
  labels: [],
  ...over,
});

describe('planExpiry: which grants one removal pull request deletes', () => {
  const cases: Array<{
    name: string;
    in: Partial<ExpiryPlanInput>;
    remove: string[];
    skipped?: Array<[string, string]>;
  }> = [
    { name: 'nothing at all', in: {}, remove: [] },
    {
      name: 'active and upcoming grants stay',
      in: { grants: [grant('a', NOW + 1), grant('b', NOW + 10 * H, { startsAt: NOW + H })] },
      remove: [],
    },
    {
      name: 'expired means now >= expires_at: exactly at expiry is expired',
      in: { grants: [grant('at', NOW), grant('before', NOW - 1), grant('after', NOW + 1)] },
      remove: ['grants/coupa/at.yaml', 'grants/coupa/before.yaml'],
    },
    {
      name: 'sorted by path, every expired grant in the one plan',
      in: { grants: [grant('z', NOW - H), grant('a', NOW - 2 * H), grant('m', NOW - 3 * H)] },
      remove: ['grants/coupa/a.yaml', 'grants/coupa/m.yaml', 'grants/coupa/z.yaml'],
    },
    {
      name: 'a grant already in an open removal PR is not repeated',
      in: {
        grants: [grant('a', NOW - H), grant('b', NOW - H)],
        openRemovalPrs: [{ number: 3, branch: 'jit/expire/x', paths: ['grants/coupa/a.yaml'] }],
      },
      remove: ['grants/coupa/b.yaml'],
      skipped: [['grants/coupa/a.yaml', 'in-open-removal']],
    },
    {
      name: 'an open removal PR of an active grant changes nothing for it',
      in: {
        grants: [grant('a', NOW + H)],
        openRemovalPrs: [{ number: 3, branch: 'jit/expire/x', paths: ['grants/coupa/a.yaml'] }],
      },
      remove: [],
    },
    {
      name: 'a file that failed to load is reported and left alone',
      in: {
        grants: [grant('ok', NOW - H)],
        loadErrors: [
          {
            path: 'grants/coupa/broken.yaml',
            findings: [
              { code: 'E_YAML', message: 'duplicate key', path: 'grants/coupa/broken.yaml' },
            ],
          },
        ],
      },
      remove: ['grants/coupa/ok.yaml'],
      skipped: [['grants/coupa/broken.yaml', 'load-error']],
    },
    {
      name: 'checkout behind the tip: a grant gone from the tip is skipped',
      in: {
        grants: [grant('a', NOW - H), grant('b', NOW - H)],
        blobs: {
          checkout: new Map([
            ['grants/coupa/a.yaml', 'sha-a'],
            ['grants/coupa/b.yaml', 'sha-b'],
          ]),
          tip: new Map([['grants/coupa/b.yaml', 'sha-b']]),
        },
      },
      remove: ['grants/coupa/b.yaml'],
      skipped: [['grants/coupa/a.yaml', 'gone']],
    },
    {
      name: 'checkout behind the tip: a grant changed on the tip (maybe extended) is skipped',
      in: {
        grants: [grant('a', NOW - H)],
        blobs: {
          checkout: new Map([['grants/coupa/a.yaml', 'sha-a']]),
          tip: new Map([['grants/coupa/a.yaml', 'sha-a2']]),
        },
      },
      remove: [],
      skipped: [['grants/coupa/a.yaml', 'changed']],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = planExpiry(input(c.in));
      expect(plan.remove.map((r) => r.path)).toEqual(c.remove);
      expect(plan.skipped.map((s) => [s.path, s.kind])).toEqual(c.skipped ?? []);
      expect(plan.branch).toBe('jit/expire/20261205T170000Z');
    });
  }

  it('carries subject, system, role and expiry of each removal', () => {
    const plan = planExpiry(input({ grants: [grant('a', NOW - H, { subject: 'carol' })] }));
    expect(plan.remove).toEqual([
      {
        path: 'grants/coupa/a.yaml',
        subject: 'carol',
        system: 'coupa',
        role: 'invoice-approver',
        expiresAt: NOW - H,
      },
    ]);
  });

  it('500 expired grants: one plan, all of them', () => {
    const grants = Array.from({ length: 500 }, (_, i) => grant(`g${i}`, NOW - H));
    expect(planExpiry(input({ grants })).remove).toHaveLength(500);
  });
});

describe('planExpiry: stale access requests', () => {
  const cases: Array<{ name: string; pr: Partial<OpenRequestPr>; kinds?: string[] }> = [
    { name: 'a fresh pending request stays', pr: {} },
    {
      name: 'pending for longer than the TTL is closed',
      pr: { createdAt: NOW - 73 * H },
      kinds: ['stale'],
    },
    { name: 'exactly the TTL is not longer than it', pr: { createdAt: NOW - 72 * H } },
    {
      name: 'denied (failure) for longer than the TTL is closed',
      pr: { createdAt: NOW - 100 * H, status: 'failure' },
      kinds: ['stale'],
    },
    {
      name: 'no verdict at all for longer than the TTL is closed',
      pr: { createdAt: NOW - 100 * H, status: 'missing' },
      kinds: ['stale'],
    },
    {
      name: 'approved and waiting for a merge is never stale by age',
      pr: { createdAt: NOW - 1000 * H, status: 'success' },
    },
    {
      name: 'a requested window that has passed closes even an approved request',
      pr: { status: 'success', grants: [{ path: 'grants/coupa/x.yaml', expiresAt: NOW }] },
      kinds: ['window-passed'],
    },
    {
      name: 'both reasons are given',
      pr: {
        createdAt: NOW - 100 * H,
        grants: [{ path: 'grants/coupa/x.yaml', expiresAt: NOW - H }],
      },
      kinds: ['stale', 'window-passed'],
    },
    {
      name: 'an unreadable expires_at does not close',
      pr: { grants: [{ path: 'grants/coupa/x.yaml' }] },
    },
    {
      name: 'a pull request labelled jit:expired is never closed as a request',
      pr: { createdAt: NOW - 1000 * H, labels: ['jit:expired'] },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = planExpiry(input({ openRequestPrs: [request(c.pr)] }));
      expect(plan.close.map((x) => x.kinds)).toEqual(c.kinds ? [c.kinds] : []);
    });
  }

  it('says why in sentences naming the TTL and the file', () => {
    const [c] = planExpiry(
      input({
        openRequestPrs: [
          request({
            createdAt: NOW - 80 * H,
            grants: [{ path: 'grants/coupa/x.yaml', expiresAt: NOW - H, role: 'invoice-approver' }],
          }),
        ],
      }),
    ).close;
    expect(c!.reasons[0]).toBe(
      'it has been open pending for 3d 8h, longer than the request-ttl of 3d.',
    );
    expect(c!.reasons[1]).toContain('grants/coupa/x.yaml (expires_at 2026-12-05T16:00:00Z)');
    const comment = closeComment(c!);
    expect(comment).toContain('jit request --system coupa --role invoice-approver --for 4h');
  });
});

describe('rendering', () => {
  it('branch names are jit/expire/<UTC timestamp to the second>', () => {
    expect(branchName(Date.parse('2026-01-02T03:04:05.678Z'))).toBe('jit/expire/20260102T030405Z');
  });

  it('the commit message ends with one Jit-Expired trailer per grant and the PR number', () => {
    const plan = planExpiry(input({ grants: [grant('a', NOW - H), grant('b', NOW - H)] }));
    const { title, message } = removalMessage(plan.remove, 12);
    expect(title).toBe('jit: remove 2 expired grants');
    expect(parseTrailers(`${title}\n\n${message}`)).toEqual({
      grants: [],
      revoked: [],
      expired: ['grants/coupa/a.yaml', 'grants/coupa/b.yaml'],
      pr: 12,
    });
  });

  it('renders grant text inert in the body table and caps the body under GitHub limits', () => {
    const evil = grant('a', NOW - H, { subject: '@acme/everyone <img src=x> | x' });
    const body = removalBody(
      planExpiry(input({ grants: [evil] })).remove,
      new Map([[evil.path, 9]]),
    );
    expect(body).not.toMatch(/(^|[^`] )@acme\/everyone/);
    expect(body).toContain('| ` @acme/everyone <img src=x> ');
    expect(body).toContain('`\\|` ');
    expect(body).toContain('| #9 |');
    const many = Array.from({ length: 2000 }, (_, i) =>
      grant(`a-very-long-grant-name-to-fill-the-table-${i}`, NOW - H),
    );
    const big = removalBody(planExpiry(input({ grants: many })).remove, new Map());
    expect(big.length).toBeLessThan(65_536);
    expect(big).toMatch(/and \d+ more/);
  });
});
