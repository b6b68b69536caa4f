import { describe, expect, it } from 'vitest';
import { DENY_CODES, IGNORED_CODES, PENDING_CODES } from '../../src/core/codes.js';
import { evaluate } from '../../src/core/evaluate/evaluate.js';
import type { Snapshot } from '../../src/core/evaluate/snapshot.js';
import { COUPA_POLICY, grantText, NETSUITE_POLICY } from '../support/fixtures.js';
import { CODEOWNERS, HEAD, OLD_HEAD, review, snapshot } from '../support/snapshot.js';

type Mutate = (s: Snapshot) => void;
const GRANT = 'grants/coupa/alice-invoice.yaml';
const BASE_FILES = {
  'policies/coupa.yaml': COUPA_POLICY,
  'policies/netsuite.yaml': NETSUITE_POLICY,
  '.github/CODEOWNERS': CODEOWNERS,
};
const setGrant =
  (text: string, path = GRANT): Mutate =>
  (s) => {
    s.pull_request.files = [
      { path, status: 'added', previous_path: null, mode: '100644', content: text },
    ];
  };
const approveBy =
  (...users: string[]): Mutate =>
  (s) => {
    s.pull_request.reviews.push(...users.map((u) => review(u, 'APPROVED')));
  };
const all =
  (...fs: Mutate[]): Mutate =>
  (s) => {
    for (const f of fs) f(s);
  };
const run = (m: Mutate) => {
  const s = snapshot();
  m(s);
  return evaluate(s);
};
const codesOf = (d: ReturnType<typeof evaluate>) => [
  ...d.errors.map((e) => e.code),
  ...d.grants.flatMap((g) => g.reasons.map((r) => r.code)),
  ...d.grants.flatMap((g) => g.requirements.filter((r) => !r.met).map((r) => r.code)),
];
const ignoredOf = (d: ReturnType<typeof evaluate>) =>
  d.grants.flatMap((g) => g.ignored_reviews.map((i) => `${i.user}:${i.code}`));

/** Denials: each case feeds one problem and expects its code (SPEC §5 "Denied"). */
const DENIED: Array<{ name: string; mutate: Mutate; code: string }> = [
  {
    name: 'YAML alias',
    mutate: setGrant(`${grantText({ requester: null })}requester: &a alice\n`),
    code: 'E_YAML',
  },
  {
    name: 'bad encoding',
    mutate: (s) => {
      s.pull_request.files = [
        {
          path: GRANT,
          status: 'added',
          previous_path: null,
          content_base64: Buffer.from([0x72, 0x3a, 0x20, 0xff, 0x0a]).toString('base64'),
        },
      ];
    },
    code: 'E_ENCODING',
  },
  {
    name: 'too large',
    mutate: setGrant(`${grantText()}#${'x'.repeat(17000)}\n`),
    code: 'E_TOO_LARGE',
  },
  { name: 'unknown key', mutate: setGrant(grantText({ approved: 'yes' })), code: 'E_SCHEMA' },
  { name: 'bad path', mutate: setGrant(grantText(), 'grants/coupa/Alice.yaml'), code: 'E_PATH' },
  {
    name: 'symlink',
    mutate: (s) => {
      s.pull_request.files = [
        {
          path: GRANT,
          status: 'added',
          previous_path: null,
          mode: '120000',
          content: '../../policies/coupa.yaml',
        },
      ];
    },
    code: 'E_SYMLINK',
  },
  {
    name: 'unknown system',
    mutate: setGrant(grantText(), 'grants/sap/alice.yaml'),
    code: 'E_UNKNOWN_SYSTEM',
  },
  { name: 'unknown role', mutate: setGrant(grantText({ role: 'admin' })), code: 'E_UNKNOWN_ROLE' },
  {
    name: 'invalid base policy',
    mutate: (s) => {
      s.base.files['policies/coupa.yaml'] = COUPA_POLICY.replace('approvals: 1', 'approvals: 0.5');
    },
    code: 'E_POLICY_INVALID',
  },
  {
    name: 'leap second',
    mutate: setGrant(grantText({ expires_at: '2026-12-04T23:59:60Z' })),
    code: 'E_TIME_FORMAT',
  },
  {
    name: 'expired',
    mutate: setGrant(grantText({ expires_at: '2026-12-04T11:00:00Z' })),
    code: 'E_EXPIRED',
  },
  {
    name: 'window reversed',
    mutate: setGrant(grantText({ starts_at: '2026-12-04T18:00:00Z' })),
    code: 'E_WINDOW',
  },
  {
    name: 'over the cap',
    mutate: setGrant(grantText({ expires_at: '2026-12-05T12:00:00Z' })),
    code: 'E_DURATION',
  },
  { name: 'ticket', mutate: setGrant(grantText({ ticket: 'TODO' })), code: 'E_TICKET' },
  {
    name: 'justification',
    mutate: setGrant(grantText({ justification: 'pls' })),
    code: 'E_JUSTIFICATION',
  },
  {
    name: 'requester is not the author',
    mutate: setGrant(grantText({ requester: 'bob' })),
    code: 'E_REQUESTER_MISMATCH',
  },
  {
    name: 'subject not eligible (team checked)',
    mutate: setGrant(grantText({ subject: 'mallory' })),
    code: 'E_NOT_ELIGIBLE',
  },
  {
    name: 'identity changed in place',
    mutate: (s) => {
      s.base.files[GRANT] = grantText();
      s.pull_request.files = [
        {
          path: GRANT,
          status: 'modified',
          previous_path: null,
          content: grantText({ subject: 'bob' }),
        },
      ];
    },
    code: 'E_IMMUTABLE_FIELD',
  },
  {
    name: 'grant with a policy edit',
    mutate: (s) => {
      s.pull_request.files.push({
        path: 'policies/coupa.yaml',
        status: 'modified',
        previous_path: null,
        content: COUPA_POLICY.replace('approvals: 1', 'approvals: 0'),
      });
    },
    code: 'E_MIXED_CHANGE',
  },
  {
    name: 'wrong base branch',
    mutate: (s) => {
      s.pull_request.base_ref = 'weak-policies';
    },
    code: 'E_BASE_BRANCH',
  },
  {
    name: 'overlap with a base grant',
    mutate: (s) => {
      s.base.files['grants/coupa/alice-old.yaml'] = grantText({
        expires_at: '2026-12-04T14:00:00Z',
      });
    },
    code: 'E_OVERLAP',
  },
  {
    name: 'SoD with a base grant',
    mutate: all(
      setGrant(grantText({ role: 'vendor-master-editor', expires_at: '2026-12-04T15:00:00Z' })),
      (s) => {
        s.base.files['grants/netsuite/alice-rel.yaml'] =
          'requester: alice\nrole: payment-releaser\njustification: Release the payment run.\nexpires_at: 2026-12-04T13:00:00Z\n';
      },
    ),
    code: 'E_SOD_CONFLICT',
  },
  {
    name: 'changes requested by a writer',
    mutate: (s) => {
      s.pull_request.reviews.push(
        review('carol', 'APPROVED', HEAD, '2026-12-04T10:00:00Z'),
        review('bob', 'CHANGES_REQUESTED', HEAD, '2026-12-04T10:30:00Z'),
      );
    },
    code: 'E_CHANGES_REQUESTED',
  },
  {
    name: 'every code owner is excluded',
    mutate: (s) => {
      s.base.files['.github/CODEOWNERS'] = '/grants/coupa/ @alice @dave\n';
    },
    code: 'E_UNOWNED',
  },
  {
    name: 'invalid CODEOWNERS line',
    mutate: (s) => {
      s.base.files['.github/CODEOWNERS'] = `${CODEOWNERS}/grants/[a-z]* @acme/treasury\n`;
    },
    code: 'E_CODEOWNERS_INVALID',
  },
];

describe('evaluate: denials', () => {
  it.each(DENIED)('$name → $code', ({ mutate, code }) => {
    const d = run(all(approveBy('carol'), mutate));
    expect(d.verdict).toBe('denied');
    expect(codesOf(d)).toContain(code);
    expect(d.summary).toMatch(/^denied: /);
  });
});

/** Reviews that do not count (SPEC §5 "Ignored review"), each with its code; the PR stays pending. */
const IGNORED: Array<{ name: string; mutate: Mutate; expect: string }> = [
  {
    name: 'the author approves (alice is on the team)',
    mutate: approveBy('alice'),
    expect: 'alice:I_SELF',
  },
  {
    name: 'the author, who is also the requester, approves',
    mutate: all(
      setGrant(grantText({ requester: 'bob' })),
      (s) => {
        s.pull_request.author = 'bob';
        s.pull_request.commits = [{ sha: HEAD, author: 'bob', committer: 'bob' }];
      },
      approveBy('bob'),
    ),
    expect: 'bob:I_SELF',
  },
  {
    name: 'the subject approves',
    mutate: all(setGrant(grantText({ subject: 'bob' })), approveBy('bob')),
    expect: 'bob:I_SUBJECT',
  },
  {
    name: 'a committer approves',
    mutate: all((s) => {
      s.pull_request.commits.push({ sha: 'c'.repeat(40), author: 'carol', committer: 'carol' });
    }, approveBy('carol')),
    expect: 'carol:I_CONTRIBUTOR',
  },
  { name: 'a bot approves', mutate: approveBy('renovate[bot]'), expect: 'renovate[bot]:I_BOT' },
  {
    name: 'a team member without write approves',
    mutate: approveBy('dave'),
    expect: 'dave:I_NO_WRITE',
  },
  {
    name: 'a writer who is not an approver',
    mutate: approveBy('trent'),
    expect: 'trent:I_NOT_APPROVER',
  },
  { name: 'a pending team member', mutate: approveBy('frank'), expect: 'frank:I_NOT_MEMBER' },
  {
    name: 'approval on an old head',
    mutate: (s) => {
      s.pull_request.reviews.push(review('carol', 'APPROVED', OLD_HEAD));
    },
    expect: 'carol:I_STALE',
  },
  {
    name: 'approval then changes requested by a non-writer',
    mutate: (s) => {
      s.pull_request.reviews.push(
        review('carol', 'APPROVED', HEAD, '2026-12-04T10:00:00Z'),
        review('carol', 'DISMISSED', HEAD, '2026-12-04T10:05:00Z'),
      );
    },
    expect: 'carol:I_SUPERSEDED',
  },
  { name: 'unknown user (not in users)', mutate: approveBy('zed'), expect: 'zed:I_NO_WRITE' },
];

describe('evaluate: ignored reviews', () => {
  it.each(IGNORED)('$name → $expect', ({ mutate, expect: want }) => {
    const d = run(mutate);
    expect(ignoredOf(d)).toContain(want);
    expect(d.verdict).toBe('pending');
    expect(codesOf(d)).toContain('P_APPROVALS');
  });
});

describe('evaluate: approvals and code owners', () => {
  it('the requester approving a PR someone else opened is ignored (I_REQUESTER), and the PR is denied', () => {
    // bob is named as requester in a file alice submitted: E_REQUESTER_MISMATCH; bob's approval
    // of "his" request never counts either.
    const d = run(all(setGrant(grantText({ requester: 'bob', subject: 'bob' })), approveBy('bob')));
    expect(d.verdict).toBe('denied');
    expect(codesOf(d)).toContain('E_REQUESTER_MISMATCH');
    expect(ignoredOf(d)).toContain('bob:I_REQUESTER');
  });

  it('pending with both requirements named until a lead approves', () => {
    const d = run(() => {});
    expect(d.verdict).toBe('pending');
    expect(codesOf(d)).toEqual(['P_APPROVALS', 'P_CODEOWNER']);
    expect(d.summary).toBe(
      'pending: 0 of 1 approval from @acme/procurement-leads; needs 1 approval from a code owner (@acme/procurement-leads)',
    );
  });

  it('approved by carol (lead, writer, not involved)', () => {
    const d = run(approveBy('carol'));
    expect(d.verdict).toBe('approved');
    expect(d.grants[0]!.requirements.every((r) => r.met)).toBe(true);
    expect(d.grants[0]!.requirements[0]!.approved_by).toEqual(['carol']);
  });

  it('comments never count, whatever they say', () => {
    const d = run((s) => {
      s.pull_request.reviews.push(review('carol', 'COMMENTED'));
    });
    expect(d.verdict).toBe('pending');
  });

  it('a later comment does not supersede an approval', () => {
    const d = run((s) => {
      s.pull_request.reviews.push(
        review('carol', 'APPROVED', HEAD, '2026-12-04T10:00:00Z'),
        review('carol', 'COMMENTED', HEAD, '2026-12-04T11:00:00Z'),
      );
    });
    expect(d.verdict).toBe('approved');
  });

  it('approved then changes requested by the same person → denied', () => {
    const d = run((s) => {
      s.pull_request.reviews.push(
        review('carol', 'APPROVED', HEAD, '2026-12-04T10:00:00Z'),
        review('carol', 'CHANGES_REQUESTED', HEAD, '2026-12-04T10:05:00Z'),
      );
    });
    expect(d.verdict).toBe('denied');
    expect(codesOf(d)).toContain('E_CHANGES_REQUESTED');
  });

  it('changes requested by a read-only user does not block', () => {
    const d = run(
      all(approveBy('carol'), (s) => {
        s.pull_request.reviews.push(review('dave', 'CHANGES_REQUESTED'));
      }),
    );
    expect(d.verdict).toBe('approved');
  });

  it('two approvals needed: one lead is not enough, two are (distinct people)', () => {
    const g = setGrant(
      grantText({ role: 'vendor-master-editor', expires_at: '2026-12-04T15:00:00Z' }),
    );
    expect(run(all(g, approveBy('carol'))).verdict).toBe('pending');
    expect(run(all(g, approveBy('carol', 'carol'))).verdict).toBe('pending');
    expect(run(all(g, approveBy('carol', 'bob'))).verdict).toBe('approved');
  });

  it('the same person under another login case or by id counts once', () => {
    const g = setGrant(
      grantText({ role: 'vendor-master-editor', expires_at: '2026-12-04T15:00:00Z' }),
    );
    const d = run(
      all(g, (s) => {
        s.pull_request.reviews.push(review('carol', 'APPROVED'), {
          ...review('CAROL', 'APPROVED'),
          user: { login: 'CAROL', id: 3 },
        });
      }),
    );
    expect(d.verdict).toBe('pending');
  });

  it('a renamed account is still excluded by numeric id', () => {
    const d = run((s) => {
      s.pull_request.reviews.push({
        ...review('x', 'APPROVED'),
        user: { login: 'alice-new-name', id: 1 },
      });
    });
    expect(d.verdict).toBe('pending');
    expect(ignoredOf(d)).toContain('alice:I_SELF');
  });

  it('no matching CODEOWNERS rule: only the policy applies', () => {
    const d = run(
      all((s) => {
        s.base.files['.github/CODEOWNERS'] = '/docs/ @acme/platform-security\n';
      }, approveBy('carol')),
    );
    expect(d.verdict).toBe('approved');
    expect(d.grants[0]!.requirements.map((r) => r.code)).toEqual(['P_APPROVALS']);
  });

  it('a later rule with no owners removes the code-owner requirement', () => {
    const d = run(
      all((s) => {
        s.base.files['.github/CODEOWNERS'] = '/grants/ @acme/treasury\n/grants/coupa/\n';
      }, approveBy('carol')),
    );
    expect(d.verdict).toBe('approved');
  });

  it('code owner approval from outside the approvers satisfies P_CODEOWNER only', () => {
    const d = run(
      all((s) => {
        s.base.files['.github/CODEOWNERS'] = '/grants/coupa/ @acme/treasury\n';
      }, approveBy('trent')),
    );
    expect(d.verdict).toBe('pending');
    expect(codesOf(d)).toEqual(['P_APPROVALS']);
    const both = run(
      all(
        (s) => {
          s.base.files['.github/CODEOWNERS'] = '/grants/coupa/ @acme/treasury\n';
        },
        approveBy('trent', 'carol'),
      ),
    );
    expect(both.verdict).toBe('approved');
  });

  it('CODEOWNERS is read from the base: a PR adding CODEOWNERS is mixed', () => {
    const d = run((s) => {
      s.pull_request.files.push({
        path: '.github/CODEOWNERS',
        status: 'modified',
        previous_path: null,
        content: '* @alice\n',
      });
    });
    expect(codesOf(d)).toContain('E_MIXED_CHANGE');
  });
});

describe('evaluate: change classification', () => {
  const withBase = (s: Snapshot) => {
    s.base.files[GRANT] = grantText({ starts_at: '2026-12-04T11:00:00Z' });
  };

  it('no grant change → not_applicable', () => {
    const d = run((s) => {
      s.pull_request.files = [
        { path: 'README.md', status: 'modified', previous_path: null, content: 'x' },
      ];
    });
    expect(d.verdict).toBe('not_applicable');
  });

  it('removal-only PR → approved at once, without reviews', () => {
    const d = run(
      all(withBase, (s) => {
        s.pull_request.files = [{ path: GRANT, status: 'removed', previous_path: null }];
      }),
    );
    expect(d.verdict).toBe('approved');
    expect(d.grants[0]!.change).toBe('removed');
    expect(d.summary).toBe('approved: revocation or narrowing only');
  });

  it('narrowing (expires earlier, starts later) → approved at once', () => {
    const d = run(
      all(withBase, (s) => {
        s.pull_request.files = [
          {
            path: GRANT,
            status: 'modified',
            previous_path: null,
            content: grantText({
              starts_at: '2026-12-04T12:30:00Z',
              expires_at: '2026-12-04T16:00:00Z',
            }),
          },
        ];
      }),
    );
    expect(d.verdict).toBe('approved');
    expect(d.grants[0]!.change).toBe('narrowed');
  });

  it('extension (expires later) is judged as a new request', () => {
    const d = run(
      all(withBase, (s) => {
        s.pull_request.files = [
          {
            path: GRANT,
            status: 'modified',
            previous_path: null,
            content: grantText({
              starts_at: '2026-12-04T11:00:00Z',
              expires_at: '2026-12-04T18:00:00Z',
            }),
          },
        ];
      }),
    );
    expect(d.grants[0]!.change).toBe('modified');
    expect(d.verdict).toBe('pending');
  });

  it('removing starts_at is widening, not narrowing', () => {
    const d = run(
      all((s) => {
        s.base.files[GRANT] = grantText({ starts_at: '2026-12-04T14:00:00Z' });
        s.pull_request.files = [
          { path: GRANT, status: 'modified', previous_path: null, content: grantText() },
        ];
      }),
    );
    expect(d.grants[0]!.change).toBe('modified');
  });

  it('narrowing one grant while adding another: the added one needs approval', () => {
    const d = run(
      all(withBase, (s) => {
        s.pull_request.files = [
          {
            path: GRANT,
            status: 'modified',
            previous_path: null,
            content: grantText({
              starts_at: '2026-12-04T11:00:00Z',
              expires_at: '2026-12-04T16:00:00Z',
            }),
          },
          {
            path: 'grants/coupa/alice-2.yaml',
            status: 'added',
            previous_path: null,
            content: grantText({
              role: 'vendor-master-editor',
              expires_at: '2026-12-04T15:00:00Z',
            }),
          },
        ];
      }),
    );
    expect(d.verdict).toBe('pending');
    expect(d.grants.map((g) => `${g.change}:${g.verdict}`)).toEqual([
      'narrowed:approved',
      'added:pending',
    ]);
  });

  it('a "removal" PR that also edits another grant is not a fast path', () => {
    const d = run(
      all(withBase, (s) => {
        s.base.files['grants/coupa/alice-b.yaml'] = grantText({
          role: 'vendor-master-editor',
          expires_at: '2026-12-04T15:00:00Z',
        });
        s.pull_request.files = [
          { path: GRANT, status: 'removed', previous_path: null },
          {
            path: 'grants/coupa/alice-b.yaml',
            status: 'modified',
            previous_path: null,
            content: grantText({
              role: 'vendor-master-editor',
              expires_at: '2026-12-04T16:00:00Z',
            }),
          },
        ];
      }),
    );
    expect(d.verdict).toBe('pending');
  });

  it('rename = removal of the old + a request for the new', () => {
    const d = run(
      all(withBase, (s) => {
        s.pull_request.files = [
          {
            path: 'grants/coupa/alice-renamed.yaml',
            status: 'renamed',
            previous_path: GRANT,
            content: grantText({ starts_at: '2026-12-04T11:00:00Z' }),
          },
        ];
      }),
    );
    expect(d.grants.map((g) => g.change)).toEqual(['removed', 'renamed']);
    expect(d.verdict).toBe('pending');
  });

  it('rename out of grants/ is a mixed change', () => {
    const d = run(
      all(withBase, (s) => {
        s.pull_request.files = [
          {
            path: 'policies/x.yaml',
            status: 'renamed',
            previous_path: GRANT,
            content: grantText(),
          },
        ];
      }),
    );
    expect(codesOf(d)).toContain('E_MIXED_CHANGE');
  });

  it('a removal PR targeting another branch is denied', () => {
    const d = run(
      all(withBase, (s) => {
        s.pull_request.base_ref = 'dev';
        s.pull_request.files = [{ path: GRANT, status: 'removed', previous_path: null }];
      }),
    );
    expect(d.verdict).toBe('denied');
  });

  it('extending one grant and adding an overlapping one: each judged on its own, overlap found', () => {
    const d = run(
      all(withBase, approveBy('carol'), (s) => {
        s.pull_request.files = [
          {
            path: GRANT,
            status: 'modified',
            previous_path: null,
            content: grantText({
              starts_at: '2026-12-04T11:00:00Z',
              expires_at: '2026-12-04T18:00:00Z',
            }),
          },
          {
            path: 'grants/coupa/alice-x.yaml',
            status: 'added',
            previous_path: null,
            content: grantText({
              starts_at: '2026-12-04T17:00:00Z',
              expires_at: '2026-12-04T19:00:00Z',
            }),
          },
        ];
      }),
    );
    expect(d.verdict).toBe('denied');
    expect(codesOf(d).filter((c) => c === 'E_OVERLAP')).toHaveLength(2);
  });

  it('a re-added expired grant (revert) is E_EXPIRED', () => {
    const d = run(
      all(
        approveBy('carol'),
        setGrant(
          grantText({ starts_at: '2026-12-01T09:00:00Z', expires_at: '2026-12-01T17:00:00Z' }),
        ),
      ),
    );
    expect(codesOf(d)).toContain('E_EXPIRED');
  });
});

describe('evaluate: THREATS.md examples', () => {
  it('alice approves her own PR while on the approver team → I_SELF, still pending', () => {
    const d = run(approveBy('alice'));
    expect(d.verdict).toBe('pending');
    expect(ignoredOf(d)).toEqual(['alice:I_SELF']);
  });

  it('carol approves h1, alice pushes h2 → I_STALE; re-approval on h2 approves', () => {
    const stale = run((s) => {
      s.pull_request.reviews.push(review('carol', 'APPROVED', OLD_HEAD, '2026-12-04T10:00:00Z'));
    });
    expect(stale.verdict).toBe('pending');
    expect(ignoredOf(stale)).toEqual(['carol:I_STALE']);
    const again = run((s) => {
      s.pull_request.reviews.push(
        review('carol', 'APPROVED', OLD_HEAD, '2026-12-04T10:00:00Z'),
        review('carol', 'APPROVED', HEAD, '2026-12-04T11:00:00Z'),
      );
    });
    expect(again.verdict).toBe('approved');
  });

  it('carol pushes a commit to alice PR, then approves → I_CONTRIBUTOR', () => {
    const d = run((s) => {
      s.pull_request.commits.push({ sha: HEAD, author: 'carol', committer: 'carol' });
      s.pull_request.reviews.push(review('carol', 'APPROVED'));
    });
    expect(ignoredOf(d)).toEqual(['carol:I_CONTRIBUTOR']);
  });

  it('PR adds a grant and lowers approvals in the policy → denied, judged by the base policy', () => {
    const d = run((s) => {
      s.pull_request.files.push({
        path: 'policies/coupa.yaml',
        status: 'modified',
        previous_path: null,
        content: COUPA_POLICY.replace('approvals: 1', 'approvals: 0'),
      });
    });
    expect(d.verdict).toBe('denied');
    expect(d.grants[0]!.requirements[0]!.needed).toBe(1);
  });

  it('expires_at 2030-12-31T23:59:60Z → E_TIME_FORMAT', () => {
    expect(codesOf(run(setGrant(grantText({ expires_at: '2030-12-31T23:59:60Z' }))))).toContain(
      'E_TIME_FORMAT',
    );
  });

  it('a PR that only deletes a grant → approved at once', () => {
    const d = run((s) => {
      s.base.files[GRANT] = grantText();
      s.pull_request.files = [{ path: GRANT, status: 'removed', previous_path: null }];
    });
    expect(d.verdict).toBe('approved');
  });

  it('reviews on a later page count like any other (the snapshot holds every page)', () => {
    const d = run((s) => {
      for (let i = 0; i < 150; i++) s.pull_request.reviews.push(review('bob', 'COMMENTED'));
      s.pull_request.reviews.push(review('carol', 'APPROVED'));
    });
    expect(d.verdict).toBe('approved');
  });

  it('base files are the only source of policies (BASE_FILES untouched by the PR)', () => {
    expect(Object.keys(BASE_FILES)).toContain('policies/coupa.yaml');
  });
});

describe('evaluate: coverage of SPEC §5', () => {
  it('every reason code is produced by at least one case above', () => {
    const seen = new Set<string>([
      ...DENIED.map((c) => c.code),
      ...IGNORED.map((c) => c.expect.split(':')[1]!),
      'P_APPROVALS',
      'P_CODEOWNER',
      'I_REQUESTER',
    ]);
    for (const code of [...DENY_CODES, ...PENDING_CODES, ...IGNORED_CODES])
      expect(seen, code).toContain(code);
  });
});
