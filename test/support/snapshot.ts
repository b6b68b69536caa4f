import type { Review, Snapshot } from '../../src/core/evaluate/snapshot.js';
import { COUPA_POLICY, grantText, NETSUITE_POLICY } from './fixtures.js';

export const HEAD = 'h2'.padEnd(40, '0');
export const OLD_HEAD = 'h1'.padEnd(40, '0');

export const CODEOWNERS = `* @acme/platform-security
/grants/coupa/ @acme/procurement-leads
/grants/netsuite/ @acme/treasury
`;

/**
 * A snapshot of "alice asks for coupa/invoice-approver" at 2026-12-04T12:00:00Z, with carol
 * (procurement lead, write) as the natural approver. Tests mutate a copy.
 */
export function snapshot(
  over: {
    files?: Snapshot['pull_request']['files'];
    reviews?: Review[];
    base?: Record<string, string>;
  } = {},
): Snapshot {
  return {
    now: '2026-12-04T12:00:00Z',
    repository: { owner: 'acme', name: 'access', default_branch: 'main' },
    users: [
      { login: 'alice', id: 1, type: 'User', permission: 'write' },
      { login: 'bob', id: 2, type: 'User', permission: 'write' },
      { login: 'carol', id: 3, type: 'User', permission: 'write' },
      { login: 'dave', id: 4, type: 'User', permission: 'read' },
      { login: 'frank', id: 6, type: 'User', permission: 'write' },
      { login: 'trent', id: 7, type: 'User', permission: 'write' },
      { login: 'tina', id: 8, type: 'User', permission: 'admin' },
      { login: 'renovate[bot]', id: 99, type: 'Bot', permission: 'write' },
    ],
    teams: {
      procurement: { members: ['alice', 'bob', 'dave'] },
      'procurement-leads': {
        members: ['carol', 'alice', 'dave', 'renovate[bot]', 'bob'],
        pending: ['frank'],
      },
      treasury: { members: ['trent', 'tina'] },
      'platform-security': { members: ['tina'] },
    },
    base: {
      sha: 'b'.repeat(40),
      files: over.base ?? {
        'policies/coupa.yaml': COUPA_POLICY,
        'policies/netsuite.yaml': NETSUITE_POLICY,
        '.github/CODEOWNERS': CODEOWNERS,
      },
    },
    pull_request: {
      number: 7,
      author: { login: 'alice', id: 1 },
      base_ref: 'main',
      head_sha: HEAD,
      files: over.files ?? [
        {
          path: 'grants/coupa/alice-invoice.yaml',
          status: 'added',
          previous_path: null,
          mode: '100644',
          content: grantText(),
        },
      ],
      commits: [{ sha: HEAD, author: 'alice', committer: 'alice' }],
      reviews: over.reviews ?? [],
    },
  };
}

let nextId = 100;
export const review = (
  user: string,
  state: Review['state'],
  commit = HEAD,
  at = '2026-12-04T11:00:00Z',
): Review => ({
  id: nextId++,
  user,
  state,
  commit_id: commit,
  submitted_at: at,
});
