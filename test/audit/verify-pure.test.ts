import { describe, expect, it } from 'vitest';
import type { BlobContent, HistoryCommit } from '../../src/core/audit/history.js';
import { verifyProvenance } from '../../src/core/audit/verify.js';
import { ALICE, aliceGrant, aliceTrailer, gateMessage } from './helpers.js';

const blob = (c: string) => c.repeat(40);
const blobs = new Map<string, BlobContent>([
  [blob('a'), { size: 1, bytes: new TextEncoder().encode(aliceGrant()) }],
]);
const commit = (sha: string, message: string): HistoryCommit => ({
  sha: sha.repeat(40),
  parents: [],
  authorTime: Date.parse('2026-12-04T10:00:00Z'),
  committerTime: Date.parse('2026-12-04T10:00:00Z'),
  author: 'GitHub <noreply@github.com>',
  committer: 'GitHub <noreply@github.com>',
  message,
  changes: [
    {
      status: 'A',
      path: ALICE,
      oldBlob: null,
      newBlob: blob('a'),
      oldMode: '000000',
      newMode: '100644',
    },
  ],
});
const approved = commit('1', gateMessage('Request (#1)', { grants: [aliceTrailer()], pr: 1 }));

describe('verifyProvenance against the audited tree (pure)', () => {
  it('a grant on the tree that no commit of the history introduced: finding without a commit', () => {
    const OTHER = 'grants/coupa/bob-invoice-approver-proc-4822.yaml';
    const tree = new Map([
      [ALICE, { blob: blob('a'), mode: '100644' }],
      [OTHER, { blob: blob('b'), mode: '100644' }],
    ]);
    const { findings } = verifyProvenance({ commits: [approved], blobs }, tree);
    expect(findings).toEqual([
      {
        code: 'E_PROVENANCE',
        path: OTHER,
        commit: null,
        message: `${OTHER}: is on the audited commit, but no commit of its first-parent history introduced it (a shallow clone or grafted history). Fetch the full history (actions/checkout with fetch-depth: 0) and verify again.`,
      },
    ]);
  });

  it('content on the tree that differs from what the history introduced: finding naming that commit', () => {
    const tree = new Map([[ALICE, { blob: blob('c'), mode: '100644' }]]);
    const { findings, provenance } = verifyProvenance({ commits: [approved], blobs }, tree);
    expect(findings.map((f) => [f.path, f.commit])).toEqual([[ALICE, '1'.repeat(40)]]);
    expect(findings[0]!.message).toContain('the history does not explain the file');
    expect(provenance.get(ALICE)?.ok).toBe(false);
  });

  it('without a tree, the replayed history is what is verified; non-grant paths are ignored', () => {
    const c = commit('2', 'direct');
    c.changes.push({ ...c.changes[0]!, path: 'grants/coupa/README.md' });
    const { findings, provenance } = verifyProvenance({ commits: [approved, c], blobs });
    expect([...provenance.keys()]).toEqual([ALICE]);
    expect(findings.map((f) => [f.path, f.commit])).toEqual([[ALICE, '2'.repeat(40)]]);
  });
});
