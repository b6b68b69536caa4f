import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { gitBlobSha, mergeMessage } from '../../src/action/merge.js';
import { evaluate } from '../../src/core/evaluate/evaluate.js';
import { COUPA_POLICY, grantText } from '../support/fixtures.js';
import { review, snapshot } from '../support/snapshot.js';
import { eventsOf, verifyOf } from './helpers.js';
import { PEOPLE, TestRepo } from './repo.js';

const repos: TestRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

/**
 * The audit reads what the gate writes: the merge message built by the action's own
 * `mergeMessage` from a real `evaluate(snapshot)`, committed as GitHub's squash merge does
 * (title, blank line, message).
 */
describe('jit audit on the messages the gate writes', () => {
  it('an approved request merged by the gate: approvers, PR, policy blob and decision hash; verify passes', async () => {
    const r = new TestRepo();
    repos.push(r);
    const PATH = 'grants/coupa/alice-invoice.yaml';
    const snap = snapshot({ reviews: [review('carol', 'APPROVED')] });
    const decision = evaluate(snap);
    expect(decision.verdict).toBe('approved');
    const snapshotSha = createHash('sha256').update(JSON.stringify(snap)).digest('hex');
    const { title, message } = mergeMessage(decision, snap, snapshotSha);
    const sha = r
      .write(PATH, grantText())
      .commit(`${title}\n\n${message}`, '2026-12-04T12:05:00Z', 'github');

    // The policy the trailer pins is the blob on the branch.
    expect(r.git(['rev-parse', 'HEAD:policies/coupa.yaml'])).toBe(
      gitBlobSha(new TextEncoder().encode(COUPA_POLICY)),
    );
    expect(await eventsOf(r.dir)).toEqual([
      {
        time: '2026-12-04T12:05:00Z',
        commit: sha,
        event: 'granted',
        path: PATH,
        system: 'coupa',
        subject: 'alice',
        role: 'invoice-approver',
        requester: 'alice',
        approvers: ['carol'],
        ticket: 'PROC-4821',
        starts_at: null,
        expires_at: '2026-12-04T17:00:00Z',
        pull_request: 7,
        policy: `policies/coupa.yaml@${gitBlobSha(new TextEncoder().encode(COUPA_POLICY))}`,
        decision: `sha256:${snapshotSha}`,
        author: PEOPLE.github,
        notes: [],
      },
    ]);
    const { findings, provenance } = await verifyOf(r.dir);
    expect(findings).toEqual([]);
    expect(provenance.get(PATH)).toEqual({ ok: true, commit: sha, pull_request: 7 });
  });
});
