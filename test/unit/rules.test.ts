import { describe, expect, it } from 'vitest';
import { checkTree } from '../../src/core/check.js';
import type { TeamDirectory } from '../../src/core/rules/single.js';
import { baseTree, grantText, NOW } from '../support/fixtures.js';

const codes = (files: Record<string, string>, teams?: TeamDirectory, now = NOW) => {
  const r = checkTree(baseTree(files), now, teams);
  return {
    errors: r.errors.map((e) => e.code),
    warnings: r.warnings.map((w) => w.code),
    report: r,
  };
};
const one = (over: Record<string, string | null>) => ({ 'grants/coupa/a.yaml': grantText(over) });

const SINGLE: Array<{ name: string; over: Record<string, string | null>; code: string | null }> = [
  { name: 'valid grant', over: {}, code: null },
  {
    name: 'window exactly the cap (8h from now)',
    over: { expires_at: '2026-12-04T20:00:00Z' },
    code: null,
  },
  { name: '1 s over the cap', over: { expires_at: '2026-12-04T20:00:01Z' }, code: 'E_DURATION' },
  {
    name: 'cap measured from a future starts_at',
    over: { starts_at: '2026-12-05T09:00:00Z', expires_at: '2026-12-05T17:00:00Z' },
    code: null,
  },
  {
    name: 'over the cap from a future starts_at',
    over: { starts_at: '2026-12-05T09:00:00Z', expires_at: '2026-12-05T17:30:00Z' },
    code: 'E_DURATION',
  },
  {
    name: 'past starts_at does not stretch the cap',
    over: { starts_at: '2026-12-04T00:00:00Z', expires_at: '2026-12-04T20:00:00Z' },
    code: null,
  },
  { name: 'year 9999', over: { expires_at: '9999-12-31T23:59:59Z' }, code: 'E_DURATION' },
  {
    name: 'starts_at after expires_at',
    over: { starts_at: '2026-12-04T18:00:00Z', expires_at: '2026-12-04T17:00:00Z' },
    code: 'E_WINDOW',
  },
  {
    name: 'starts_at equal to expires_at',
    over: { starts_at: '2026-12-04T17:00:00Z' },
    code: 'E_WINDOW',
  },
  {
    name: 'starts_at beyond max_start_delay (7d)',
    over: { starts_at: '2026-12-11T13:00:00Z', expires_at: '2026-12-11T14:00:00Z' },
    code: 'E_WINDOW',
  },
  {
    name: 'offset time compared as an instant',
    over: { expires_at: '2026-12-04T21:00:00+01:00' },
    code: null,
  },
  { name: 'ticket missing', over: { ticket: null }, code: 'E_TICKET' },
  { name: 'ticket not matching', over: { ticket: 'JIRA-1' }, code: 'E_TICKET' },
  { name: 'ticket with a newline suffix', over: { ticket: 'PROC-1\nx' }, code: 'E_TICKET' },
  { name: 'justification too short', over: { justification: 'need it' }, code: 'E_JUSTIFICATION' },
  {
    name: 'justification padded with spaces',
    over: { justification: `need it${' '.repeat(30)}` },
    code: 'E_JUSTIFICATION',
  },
  { name: 'subject listed by login', over: { subject: 'bob' }, code: null },
  { name: 'subject login compared case-insensitively', over: { subject: 'BOB' }, code: null },
];

describe('single-grant rules (SPEC §4)', () => {
  it.each(SINGLE)('$name → $code', ({ over, code }) => {
    const { errors } = codes(one(over));
    if (code === null) expect(errors).toEqual([]);
    else expect(errors).toContain(code);
  });

  it('expired grants are warnings in jit check', () => {
    const r = codes(one({ expires_at: '2026-12-04T11:59:59Z' }));
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual(['W_EXPIRED']);
  });

  it('expiry is exact: expires_at == now is expired', () => {
    expect(codes(one({ expires_at: '2026-12-04T12:00:00Z' })).warnings).toEqual(['W_EXPIRED']);
  });

  it('a subject only eligible through a team is a note offline, an error when the team says no', () => {
    const offline = codes(one({ subject: 'zed' }));
    expect(offline.errors).toEqual([]);
    expect(offline.report.notes[0]).toMatch(/not verified offline/);
    const no: TeamDirectory = { isMember: () => false };
    expect(codes(one({ subject: 'zed' }), no).errors).toEqual(['E_NOT_ELIGIBLE']);
    const yes: TeamDirectory = { isMember: (t, u) => t === '@acme/procurement' && u === 'zed' };
    expect(codes(one({ subject: 'zed' }), yes).errors).toEqual([]);
  });

  it('a policy with only explicit requesters refuses anyone else', () => {
    const text = new TextDecoder()
      .decode(baseTree().get('policies/coupa.yaml')!.bytes)
      .replace('"@acme/procurement", ', '');
    const r = checkTree(
      baseTree({
        'policies/coupa.yaml': text,
        'grants/coupa/a.yaml': grantText({ subject: 'zed' }),
      }),
      NOW,
    );
    expect(r.errors.map((e) => e.code)).toEqual(['E_NOT_ELIGIBLE']);
    expect(r.errors[0]!.message).toMatch(/subject zed is not among the requesters/);
  });
});

const VME = { role: 'vendor-master-editor', expires_at: '2026-12-04T15:00:00Z' };
const releaser = (over: Record<string, string> = {}) =>
  [
    'requester: alice',
    'role: payment-releaser',
    'justification: Release the ACME payment run.',
    `expires_at: ${over.expires_at ?? '2026-12-04T13:00:00Z'}`,
    ...(over.starts_at ? [`starts_at: ${over.starts_at}`] : []),
  ].join('\n');

describe('cross-grant rules (SPEC §4)', () => {
  it('E_OVERLAP: same subject, system and role in two files with overlapping windows', () => {
    const r = codes({
      'grants/coupa/a.yaml': grantText(),
      'grants/coupa/b.yaml': grantText({
        starts_at: '2026-12-04T16:00:00Z',
        expires_at: '2026-12-04T19:00:00Z',
      }),
    });
    expect(r.errors).toEqual(['E_OVERLAP', 'E_OVERLAP']);
    expect(r.report.errors[0]!.message).toMatch(/grants\/coupa\/(a|b)\.yaml/);
  });

  it('back-to-back windows do not overlap', () => {
    const r = codes({
      'grants/coupa/a.yaml': grantText(),
      'grants/coupa/b.yaml': grantText({
        starts_at: '2026-12-04T17:00:00Z',
        expires_at: '2026-12-04T19:00:00Z',
      }),
    });
    expect(r.errors).toEqual([]);
  });

  it('an expired grant overlaps nothing', () => {
    const r = codes({
      'grants/coupa/a.yaml': grantText({
        starts_at: '2026-12-04T08:00:00Z',
        expires_at: '2026-12-04T11:00:00Z',
      }),
      'grants/coupa/b.yaml': grantText(),
    });
    expect(r.errors).toEqual([]);
  });

  it('different subjects never overlap', () => {
    const r = codes({
      'grants/coupa/a.yaml': grantText(),
      'grants/coupa/b.yaml': grantText({ subject: 'bob' }),
    });
    expect(r.errors).toEqual([]);
  });

  it('every member of a chain of overlaps is reported', () => {
    const r = codes({
      'grants/coupa/a.yaml': grantText({ expires_at: '2026-12-04T19:00:00Z' }),
      'grants/coupa/b.yaml': grantText({
        starts_at: '2026-12-04T13:00:00Z',
        expires_at: '2026-12-04T14:00:00Z',
      }),
      'grants/coupa/c.yaml': grantText({
        starts_at: '2026-12-04T15:00:00Z',
        expires_at: '2026-12-04T16:00:00Z',
      }),
    });
    expect(new Set(r.report.errors.map((e) => e.path))).toEqual(
      new Set(['grants/coupa/a.yaml', 'grants/coupa/b.yaml', 'grants/coupa/c.yaml']),
    );
  });

  it('E_SOD_CONFLICT across systems, declared on one side only', () => {
    const r = codes({
      'grants/coupa/a.yaml': grantText(VME),
      'grants/netsuite/r.yaml': releaser(),
    });
    expect(r.errors).toEqual(['E_SOD_CONFLICT', 'E_SOD_CONFLICT']);
    expect(r.report.errors.find((e) => e.path === 'grants/netsuite/r.yaml')!.message).toMatch(
      /separation of duties/,
    );
  });

  it('no SoD conflict when the windows do not overlap', () => {
    const r = codes({
      'grants/coupa/a.yaml': grantText(VME),
      'grants/netsuite/r.yaml': releaser({
        starts_at: '2026-12-04T15:00:00Z',
        expires_at: '2026-12-04T16:00:00Z',
      }),
    });
    expect(r.errors).toEqual([]);
  });

  it('no SoD conflict for a different subject', () => {
    const r = codes({
      'grants/coupa/a.yaml': grantText({ ...VME, subject: 'bob' }),
      'grants/netsuite/r.yaml': releaser(),
    });
    expect(r.errors).toEqual([]);
  });
});
