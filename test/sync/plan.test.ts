import { describe, expect, it } from 'vitest';
import type { Grant, Policy } from '../../src/core/model.js';
import { loadPolicies } from '../../src/core/policies.js';
import type { Result } from '../../src/core/result.js';
import { treeFromTexts } from '../../src/core/tree.js';
import { applyTemplate, checkMember, memberKey, subjectOf } from '../../src/jobs/sync/member.js';
import { type ActualMembers, planSync, type RefuseGrant } from '../../src/jobs/sync/plan.js';

const NOW = Date.parse('2026-12-04T12:00:00Z');
const H = 3_600_000;

const roles = `approvals: 0
max_duration: 8h
roles:
  approver: {}
  editor: {}
  unmapped: {}
`;
const POLICIES: Record<string, string> = {
  'policies/scim.yaml': `${roles}target:
  type: scim
  url_env: U
  token_env: T
  user: "{subject}@acme.example"
  groups: { approver: JIT Approvers, editor: JIT Editors }
  preserve: [breakglass]
`,
  'policies/gh.yaml': `${roles}target:
  type: github-team
  org: acme
  teams: { approver: jit-approvers, editor: jit-editors }
  preserve: [Octo-Admin]
`,
  'policies/pg.yaml': `${roles}target:
  type: postgres
  dsn_env: D
  user: "{subject}"
  roles: { approver: jit_approver, editor: jit_editor }
`,
  'policies/pgsuffix.yaml': `${roles}target:
  type: postgres
  dsn_env: D
  user: "{subject}_with_a_suffix_that_makes_long_logins_overflow_63_bytes"
  roles: { approver: jit_approver2 }
`,
  'policies/hook.yaml': `${roles}target:
  type: webhook
  url_env: U
  secret_env: S
  groups: { approver: Approvers }
`,
  'policies/notarget.yaml': roles,
};
const policies: Map<string, Result<Policy>> = loadPolicies(treeFromTexts(POLICIES));

interface G {
  system: string;
  subject: string;
  role?: string;
  /** Hours relative to NOW. */
  from?: number;
  to: number;
  name?: string;
}

const grant = (g: G): Grant => {
  const name = g.name ?? `${g.subject.toLowerCase()}-${g.role ?? 'approver'}`;
  return {
    path: `grants/${g.system}/${name}.yaml`,
    system: g.system,
    name,
    requester: g.subject,
    subject: g.subject,
    role: g.role ?? 'approver',
    justification: 'needed for the quarter close',
    ...(g.from !== undefined ? { startsAt: NOW + g.from * H } : {}),
    expiresAt: NOW + g.to * H,
    fields: {},
  };
};

const actualOf = (a: Record<string, Record<string, string[]>>): ActualMembers =>
  new Map(
    Object.entries(a).map(([s, groups]) => [
      s,
      new Map(Object.entries(groups).map(([g, m]) => [g, new Set(m)])),
    ]),
  );

interface Case {
  name: string;
  grants: G[];
  actual: Record<string, Record<string, string[]>>;
  failed?: string[];
  refuse?: RefuseGrant;
  /** `action group member` in plan order. */
  entries: string[];
  kept?: string[];
  problems?: string[];
  unchanged?: Record<string, number>;
}

const cases: Case[] = [
  {
    name: 'an active grant becomes a member, through the user template',
    grants: [{ system: 'scim', subject: 'alice', to: 2 }],
    actual: { scim: { 'JIT Approvers': [], 'JIT Editors': [] } },
    entries: ['add JIT Approvers alice@acme.example'],
  },
  {
    name: 'no starts_at means active; starts_at == now is active; expires_at == now is not',
    grants: [
      { system: 'pg', subject: 'a', to: 1 },
      { system: 'pg', subject: 'b', from: 0, to: 1 },
      { system: 'pg', subject: 'c', to: 0 },
    ],
    actual: { pg: { jit_approver: [], jit_editor: [] } },
    entries: ['add jit_approver a', 'add jit_approver b'],
  },
  {
    name: 'an expired grant still present as a file is revoked, with the grant named',
    grants: [{ system: 'pg', subject: 'alice', to: -1 }],
    actual: { pg: { jit_approver: ['alice'], jit_editor: [] } },
    entries: [
      'remove jit_approver alice (grant grants/pg/alice-approver.yaml expired at 2026-12-04T11:00:00Z)',
    ],
  },
  {
    name: 'an upcoming grant is not access yet; a member ahead of time is removed',
    grants: [{ system: 'pg', subject: 'alice', from: 1, to: 3 }],
    actual: { pg: { jit_approver: ['alice'], jit_editor: [] } },
    entries: [
      'remove jit_approver alice (grant grants/pg/alice-approver.yaml is not active yet (starts at 2026-12-04T13:00:00Z))',
    ],
  },
  {
    name: 'two overlapping grants count once; one expired, the other keeps the membership',
    grants: [
      { system: 'scim', subject: 'alice', to: -1, name: 'alice-1' },
      { system: 'scim', subject: 'alice', to: 3, name: 'alice-2' },
      { system: 'scim', subject: 'bob', to: 2, name: 'bob-1' },
      { system: 'scim', subject: 'bob', to: 4, name: 'bob-2' },
    ],
    actual: { scim: { 'JIT Approvers': ['alice@acme.example'], 'JIT Editors': [] } },
    entries: [
      'add JIT Approvers bob@acme.example (grants grants/scim/bob-1.yaml, grants/scim/bob-2.yaml active until 2026-12-04T16:00:00Z)',
    ],
    unchanged: { scim: 1 },
  },
  {
    name: 'a member added by hand is drift and removed; preserve (through the template) is kept',
    grants: [],
    actual: {
      scim: {
        'JIT Approvers': ['mallory@acme.example', 'breakglass@acme.example'],
        'JIT Editors': [],
      },
    },
    entries: ['remove JIT Approvers mallory@acme.example (not backed by an active grant (drift))'],
    kept: ['JIT Approvers breakglass@acme.example preserve'],
  },
  {
    name: 'preserve is not the raw login when the template adds a domain',
    grants: [],
    actual: { scim: { 'JIT Approvers': ['breakglass'], 'JIT Editors': [] } },
    entries: ['remove JIT Approvers breakglass'],
  },
  {
    name: 'GitHub logins compare case-insensitively: no remove+add for a case difference',
    grants: [
      { system: 'gh', subject: 'alice', to: 2 },
      { system: 'gh', subject: 'Bob', role: 'editor', to: 2 },
    ],
    actual: { gh: { 'jit-approvers': ['Alice', 'octo-admin'], 'jit-editors': ['bob', 'EVE'] } },
    entries: ['remove jit-editors EVE'],
    kept: ['jit-approvers octo-admin preserve'],
    unchanged: { gh: 2 },
  },
  {
    name: 'SCIM userNames and PostgreSQL roles compare exactly: a case variant is another member',
    grants: [
      { system: 'scim', subject: 'alice', to: 2 },
      { system: 'pg', subject: 'alice', to: 2 },
    ],
    actual: {
      scim: { 'JIT Approvers': ['Alice@acme.example'], 'JIT Editors': [] },
      pg: { jit_approver: ['Alice'], jit_editor: [] },
    },
    entries: [
      'remove jit_approver Alice',
      'add jit_approver alice',
      'remove JIT Approvers Alice@acme.example',
      'add JIT Approvers alice@acme.example',
    ],
  },
  {
    name: 'a system that failed to load gets no removals, still its adds; others proceed',
    grants: [
      { system: 'pg', subject: 'alice', to: 2 },
      { system: 'pg', subject: 'bob', to: -1 },
      { system: 'hook', subject: 'carol', to: -1 },
    ],
    actual: {
      pg: { jit_approver: ['bob', 'mallory'], jit_editor: [] },
      hook: { Approvers: ['carol'] },
    },
    failed: ['pg'],
    entries: ['remove Approvers carol', 'add jit_approver alice'],
    kept: ['jit_approver bob system-failed', 'jit_approver mallory system-failed'],
  },
  {
    name: 'a subject mapping to a name the target refuses is reported, never planned',
    grants: [
      { system: 'pgsuffix', subject: 'alice', to: 2 },
      { system: 'pgsuffix', subject: 'a-very-long-login-name-of-thirty', to: 2 },
    ],
    actual: { pgsuffix: { jit_approver2: [] } },
    entries: ['add jit_approver2 alice_with_a_suffix_that_makes_long_logins_overflow_63_bytes'],
    problems: ['invalid-member grants/pgsuffix/a-very-long-login-name-of-thirty-approver.yaml'],
  },
  {
    name: 'a hostile subject (not GitHub login syntax) never reaches a target name',
    grants: [
      { system: 'pg', subject: 'alice"; DROP ROLE x; --', to: 2, name: 'x' },
      { system: 'scim', subject: 'a" or userName pr "', to: 2, name: 'y' },
      { system: 'gh', subject: 'ali ce', to: 2, name: 'z' },
    ],
    actual: {
      pg: { jit_approver: [], jit_editor: [] },
      scim: { 'JIT Approvers': [], 'JIT Editors': [] },
      gh: { 'jit-approvers': [], 'jit-editors': [] },
    },
    entries: [],
    problems: [
      'invalid-member grants/gh/z.yaml',
      'invalid-member grants/pg/x.yaml',
      'invalid-member grants/scim/y.yaml',
    ],
  },
  {
    name: 'refuse (provenance hook) excludes an active grant: reported, and its membership removed',
    grants: [
      { system: 'pg', subject: 'alice', to: 2 },
      { system: 'pg', subject: 'bob', to: 2 },
    ],
    actual: { pg: { jit_approver: ['alice'], jit_editor: [] } },
    refuse: (g) =>
      g.subject === 'alice' ? 'no approved merge brought it (E_PROVENANCE)' : undefined,
    entries: [
      'remove jit_approver alice (grant grants/pg/alice-approver.yaml refused: no approved merge brought it (E_PROVENANCE))',
      'add jit_approver bob',
    ],
    problems: ['refused grants/pg/alice-approver.yaml'],
  },
  {
    name: 'a role without a target group is not synced; a system without target or listing is not planned',
    grants: [
      { system: 'pg', subject: 'alice', role: 'unmapped', to: 2 },
      { system: 'notarget', subject: 'alice', to: 2 },
      { system: 'hook', subject: 'alice', to: 2 },
    ],
    actual: { pg: { jit_approver: [], jit_editor: [] }, notarget: {} },
    entries: [],
    unchanged: { pg: 0 },
  },
  {
    name: 'a mapped group missing from the listing is left alone and reported',
    grants: [{ system: 'pg', subject: 'alice', role: 'editor', to: 2 }],
    actual: { pg: { jit_approver: ['mallory'] } },
    entries: ['remove jit_approver mallory'],
    problems: ['group-not-listed -'],
  },
  {
    name: 'everything in place: empty plan',
    grants: [
      { system: 'hook', subject: 'alice', to: 2 },
      { system: 'gh', subject: 'alice', to: 2 },
    ],
    actual: {
      hook: { Approvers: ['alice'] },
      gh: { 'jit-approvers': ['alice'], 'jit-editors': [] },
    },
    entries: [],
    unchanged: { gh: 1, hook: 1 },
  },
];

describe('planSync', () => {
  for (const c of cases) {
    it(c.name, () => {
      const plan = planSync({
        policies,
        grants: c.grants.map(grant),
        failedSystems: new Set(c.failed ?? []),
        actual: actualOf(c.actual),
        now: NOW,
        ...(c.refuse ? { refuse: c.refuse } : {}),
      });
      const withReason = c.entries.some((e) => e.includes('('));
      expect(
        plan.entries.map((e, i) => {
          const base = `${e.action} ${e.target_group} ${e.member}`;
          return withReason && c.entries[i]?.includes('(') ? `${base} (${e.reason})` : base;
        }),
      ).toEqual(c.entries);
      expect(plan.kept.map((k) => `${k.target_group} ${k.member} ${k.why}`)).toEqual(c.kept ?? []);
      expect(plan.problems.map((p) => `${p.kind} ${p.path ?? '-'}`)).toEqual(c.problems ?? []);
      if (c.unchanged) expect({ ...plan.unchanged }).toEqual(c.unchanged);
      // Every entry carries the SPEC §8 fields.
      for (const e of plan.entries) {
        expect(Object.keys(e).sort()).toEqual(
          ['action', 'member', 'reason', 'role', 'subject', 'system', 'target_group'].sort(),
        );
      }
    });
  }

  it('is pure: the same input gives the same plan, and the input is not changed', () => {
    const grants = [grant({ system: 'pg', subject: 'alice', to: 2 })];
    const actual = actualOf({ pg: { jit_approver: ['mallory'], jit_editor: [] } });
    const input = { policies, grants, failedSystems: new Set<string>(), actual, now: NOW };
    const a = planSync(input);
    const b = planSync(input);
    expect(a).toEqual(b);
    expect([...actual.get('pg')!.get('jit_approver')!]).toEqual(['mallory']);
  });

  it('names the subject of a drift removal when the template can be inverted', () => {
    const plan = planSync({
      policies,
      grants: [],
      failedSystems: new Set(),
      actual: actualOf({
        scim: { 'JIT Approvers': ['dave@acme.example', 'svc-account'], 'JIT Editors': [] },
      }),
      now: NOW,
    });
    expect(plan.entries.map((e) => [e.member, e.subject, e.role])).toEqual([
      ['dave@acme.example', 'dave', 'approver'],
      ['svc-account', null, 'approver'],
    ]);
  });
});

describe('member names', () => {
  it.each([
    ['postgres', 'a'.repeat(63), undefined],
    ['postgres', 'a'.repeat(64), 'is 64 bytes; PostgreSQL role names are at most 63'],
    ['postgres', 'é'.repeat(32), 'is 64 bytes; PostgreSQL role names are at most 63'],
    ['postgres', 'alice"; DROP ROLE x; --', undefined], // quoted by the connector
    ['scim', 'alice\n@acme.example', 'contains control or bidi characters'],
    ['scim', 'alice\u202e@acme.example', 'contains control or bidi characters'],
    ['webhook', '', 'is empty'],
    ['github-team', 'alice@acme', 'is not a valid GitHub login'],
  ] as const)('%s %j → %s', (type, member, why) => {
    expect(checkMember(type, member)).toBe(why);
  });

  it('templates, keys and inversion', () => {
    expect(applyTemplate('{subject}@x', 'Al')).toBe('Al@x');
    expect(memberKey('github-team', 'Al')).toBe('al');
    expect(memberKey('scim', 'Al')).toBe('Al');
    expect(subjectOf('{subject}@x', 'al@x')).toBe('al');
    expect(subjectOf('{subject}@x', '@x')).toBeNull();
    expect(subjectOf('{subject}-{subject}', 'a-a')).toBeNull();
  });
});
