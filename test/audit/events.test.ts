import { afterEach, describe, expect, it } from 'vitest';
import { shortSha } from '../../src/core/audit/history.js';
import {
  ALICE,
  aliceEvent,
  aliceGrant,
  aliceTrailer,
  DECISION,
  eventsOf,
  gateMessage,
  NO_GRANT_TRAILER,
  NO_REMOVAL_TRAILER,
  POLICY,
} from './helpers.js';
import { PEOPLE, TestRepo } from './repo.js';

const repos: TestRepo[] = [];
const repo = () => {
  const r = new TestRepo();
  repos.push(r);
  return r;
};
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

describe('jit audit events from real git histories', () => {
  it('linear history of squash merges: granted, narrowed, extended, revoked', async () => {
    const r = repo();
    const s1 = r.write(ALICE, aliceGrant()).commit(
      gateMessage('Request coupa invoice-approver for alice (#1)', {
        grants: [aliceTrailer()],
        pr: 1,
        decision: DECISION,
      }),
      '2026-12-04T10:05:00Z',
      'github',
    );
    const s2 = r.write(ALICE, aliceGrant({ expires_at: '2026-12-04T15:00:00Z' })).commit(
      gateMessage('Narrow alice (#2)', {
        grants: [
          aliceTrailer({ change: 'narrowed', approvedBy: [], expiresAt: '2026-12-04T15:00:00Z' }),
        ],
        pr: 2,
      }),
      '2026-12-04T11:00:00Z',
      'github',
    );
    const s3 = r.write(ALICE, aliceGrant({ expires_at: '2026-12-04T18:00:00Z' })).commit(
      gateMessage('Extend alice (#3)', {
        grants: [
          aliceTrailer({
            change: 'modified',
            approvedBy: ['carol', 'dave'],
            expiresAt: '2026-12-04T18:00:00Z',
          }),
        ],
        decision: DECISION,
      }),
      '2026-12-04T12:00:00Z',
      'github',
    );
    const s4 = r
      .remove(ALICE)
      .commit(
        gateMessage('Revoke alice (#4)', { revoked: [ALICE], pr: 4 }),
        '2026-12-04T13:00:00Z',
        'github',
      );

    expect(await eventsOf(r.dir)).toEqual([
      aliceEvent({
        time: '2026-12-04T10:05:00Z',
        commit: s1,
        event: 'granted',
        approvers: ['carol'],
        pull_request: 1,
        policy: POLICY,
        decision: DECISION,
        author: PEOPLE.github,
      }),
      aliceEvent({
        time: '2026-12-04T11:00:00Z',
        commit: s2,
        event: 'narrowed',
        approvers: [],
        expires_at: '2026-12-04T15:00:00Z',
        pull_request: 2,
        policy: POLICY,
        author: PEOPLE.github,
        notes: ['changed: expires_at 2026-12-04T17:00:00Z → 2026-12-04T15:00:00Z'],
      }),
      aliceEvent({
        time: '2026-12-04T12:00:00Z',
        commit: s3,
        event: 'extended',
        approvers: ['carol', 'dave'],
        expires_at: '2026-12-04T18:00:00Z',
        pull_request: 3, // from the subject line: no Jit-Pull-Request trailer
        policy: POLICY,
        decision: DECISION,
        author: PEOPLE.github,
        notes: ['changed: expires_at 2026-12-04T15:00:00Z → 2026-12-04T18:00:00Z'],
      }),
      aliceEvent({
        time: '2026-12-04T13:00:00Z',
        commit: s4,
        event: 'revoked',
        approvers: [],
        expires_at: '2026-12-04T18:00:00Z',
        pull_request: 4,
        author: PEOPLE.github,
      }),
    ]);
  });

  it('merge commit (--no-ff) with trailers: one event, the first-parent diff, PR from the subject', async () => {
    const r = repo();
    r.checkout(['-b', 'alice-coupa']);
    r.write(ALICE, aliceGrant({ expires_at: '2026-12-04T16:00:00Z' })).commit(
      'Request coupa access',
      '2026-12-04T09:30:00Z',
    );
    // A second commit on the branch: only the merged result counts.
    r.write(ALICE, aliceGrant()).commit('Ask until 17:00', '2026-12-04T09:40:00Z');
    r.checkout(['main']);
    r.write('README.md', 'acme access\n').commit('Docs', '2026-12-04T09:50:00Z', 'bob');
    const m = r.merge(
      'alice-coupa',
      gateMessage(
        'Merge pull request #7 from acme/alice-coupa',
        { grants: [aliceTrailer()], decision: DECISION },
        'Request coupa access',
      ),
      '2026-12-04T10:30:00Z',
    );
    expect(r.git(['rev-list', '--parents', '-n', '1', m]).split(' ')).toHaveLength(3);

    expect(await eventsOf(r.dir)).toEqual([
      aliceEvent({
        time: '2026-12-04T10:30:00Z',
        commit: m,
        event: 'granted',
        approvers: ['carol'],
        pull_request: 7,
        policy: POLICY,
        decision: DECISION,
        author: PEOPLE.github,
      }),
    ]);
  });

  it('squash commit: a trailer quoted in a non-final paragraph is not evidence', async () => {
    const r = repo();
    const s = r
      .write(ALICE, aliceGrant())
      .commit(
        [
          'Request coupa invoice-approver for alice (#8)',
          '* Request access\n\nJit-Grant: grants/coupa/alice-invoice-approver-proc-4821.yaml\nJit-Approved-By: mallory',
          'Co-authored-by: Bob <bob@acme.example>',
        ].join('\n\n'),
        '2026-12-04T10:00:00Z',
        'github',
      );
    expect(await eventsOf(r.dir)).toEqual([
      aliceEvent({
        time: '2026-12-04T10:00:00Z',
        commit: s,
        event: 'granted',
        pull_request: 8,
        author: PEOPLE.github,
        notes: [NO_GRANT_TRAILER],
      }),
    ]);
  });

  it('rename: the old path is removed, the new path is a new grant', async () => {
    const r = repo();
    const NEW = 'grants/coupa/alice-invoice-approver-q4.yaml';
    const s1 = r
      .write(ALICE, aliceGrant())
      .commit(
        gateMessage('Request (#1)', { grants: [aliceTrailer()], pr: 1 }),
        '2026-12-04T10:00:00Z',
        'github',
      );
    const s2 = r.move(ALICE, NEW).commit(
      gateMessage('Rename (#2)', {
        grants: [aliceTrailer({ grant: NEW, change: 'renamed', approvedBy: ['dave'] })],
        pr: 2,
      }),
      '2026-12-04T11:00:00Z',
      'github',
    );
    expect(await eventsOf(r.dir)).toEqual([
      aliceEvent({
        time: '2026-12-04T10:00:00Z',
        commit: s1,
        event: 'granted',
        approvers: ['carol'],
        pull_request: 1,
        policy: POLICY,
        author: PEOPLE.github,
      }),
      aliceEvent({
        time: '2026-12-04T11:00:00Z',
        commit: s2,
        event: 'revoked',
        approvers: [],
        pull_request: 2,
        author: PEOPLE.github,
        notes: [`renamed to ${NEW}`],
      }),
      aliceEvent({
        time: '2026-12-04T11:00:00Z',
        commit: s2,
        event: 'granted',
        path: NEW,
        approvers: ['dave'],
        pull_request: 2,
        policy: POLICY,
        author: PEOPLE.github,
        notes: [`renamed from ${ALICE}: a new grant`],
      }),
    ]);
  });

  it('a revert re-adds a revoked grant after its expiry: granted, approvers unknown, said so', async () => {
    const r = repo();
    const s1 = r
      .write(ALICE, aliceGrant())
      .commit(
        gateMessage('Request (#1)', { grants: [aliceTrailer()], pr: 1 }),
        '2026-12-04T10:00:00Z',
        'github',
      );
    const s2 = r
      .remove(ALICE)
      .commit(
        gateMessage('Revoke alice (#2)', { revoked: [ALICE], pr: 2 }),
        '2026-12-04T12:00:00Z',
        'github',
      );
    const s3 = r.revert(s2, '2026-12-04T18:00:00Z');
    expect(r.git(['log', '-1', '--format=%s'])).toBe('Revert "Revoke alice (#2)"');

    expect(await eventsOf(r.dir)).toEqual([
      aliceEvent({
        time: '2026-12-04T10:00:00Z',
        commit: s1,
        event: 'granted',
        approvers: ['carol'],
        pull_request: 1,
        policy: POLICY,
        author: PEOPLE.github,
      }),
      aliceEvent({
        time: '2026-12-04T12:00:00Z',
        commit: s2,
        event: 'revoked',
        approvers: [],
        pull_request: 2,
        author: PEOPLE.github,
      }),
      aliceEvent({
        time: '2026-12-04T18:00:00Z',
        commit: s3,
        event: 'granted',
        // `Revert "… (#2)"` names the reverted PR, not one that merged this: no PR number.
        pull_request: null,
        author: PEOPLE.bob,
        notes: [
          `re-added; removed earlier in ${shortSha(s2)}`,
          'expires_at 2026-12-04T17:00:00Z had already passed when this commit landed; the grant was never active from this file',
          NO_GRANT_TRAILER,
        ],
      }),
    ]);
  });

  it('removals: Jit-Expired, removed after expiry without a trailer, Jit-Expired before expiry', async () => {
    const r = repo();
    const BOB = 'grants/coupa/bob-invoice-approver-proc-4822.yaml';
    const DAVE = 'grants/coupa/dave-invoice-approver-proc-4823.yaml';
    const bobGrant = aliceGrant({ requester: 'bob', ticket: 'PROC-4822' });
    const daveGrant = aliceGrant({
      requester: 'dave',
      ticket: 'PROC-4823',
      expires_at: '2026-12-05T17:00:00Z',
    });
    const s1 = r
      .write(ALICE, aliceGrant())
      .write(BOB, bobGrant)
      .write(DAVE, daveGrant)
      .commit(
        gateMessage('Request three (#1)', {
          grants: [
            aliceTrailer(),
            aliceTrailer({ grant: BOB, requestedBy: 'bob', ticket: 'PROC-4822' }),
            aliceTrailer({
              grant: DAVE,
              requestedBy: 'dave',
              ticket: 'PROC-4823',
              expiresAt: '2026-12-05T17:00:00Z',
            }),
          ],
          pr: 1,
        }),
        '2026-12-04T09:00:00Z',
        'github',
      );
    const s2 = r
      .remove(ALICE)
      .commit(
        gateMessage('Remove expired grants (#9)', { expired: [ALICE], pr: 9 }),
        '2026-12-04T17:30:00Z',
        'github',
      );
    const s3 = r.remove(BOB).commit('cleanup', '2026-12-04T17:45:00Z', 'bob');
    const s4 = r
      .remove(DAVE)
      .commit(
        gateMessage('Remove expired grants (#10)', { expired: [DAVE], pr: 10 }),
        '2026-12-04T18:00:00Z',
        'github',
      );
    const bob = { path: BOB, subject: 'bob', requester: 'bob', ticket: 'PROC-4822' };
    const dave = {
      path: DAVE,
      subject: 'dave',
      requester: 'dave',
      ticket: 'PROC-4823',
      expires_at: '2026-12-05T17:00:00Z',
    };
    const granted = { time: '2026-12-04T09:00:00Z', commit: s1, event: 'granted' as const };
    const common = { pull_request: 1, policy: POLICY, author: PEOPLE.github, approvers: ['carol'] };
    expect(await eventsOf(r.dir)).toEqual([
      aliceEvent({ ...granted, ...common }),
      aliceEvent({ ...granted, ...common, ...bob }),
      aliceEvent({ ...granted, ...common, ...dave }),
      aliceEvent({
        time: '2026-12-04T17:30:00Z',
        commit: s2,
        event: 'expired',
        approvers: [],
        pull_request: 9,
        author: PEOPLE.github,
      }),
      aliceEvent({
        time: '2026-12-04T17:45:00Z',
        commit: s3,
        event: 'expired',
        author: PEOPLE.bob,
        notes: [NO_REMOVAL_TRAILER],
        ...bob,
      }),
      aliceEvent({
        time: '2026-12-04T18:00:00Z',
        commit: s4,
        event: 'expired',
        approvers: [],
        pull_request: 10,
        author: PEOPLE.github,
        notes: [
          'the Jit-Expired trailer names this grant, but its expires_at 2026-12-05T17:00:00Z was after the commit time 2026-12-04T18:00:00Z',
        ],
        ...dave,
      }),
    ]);
  });

  it('a merge without trailers: approvers unknown, said so', async () => {
    const r = repo();
    r.checkout(['-b', 'alice']);
    r.write(ALICE, aliceGrant()).commit('Add my access', '2026-12-04T09:30:00Z');
    r.checkout(['main']);
    const m = r.merge('alice', "Merge branch 'alice'", '2026-12-04T10:00:00Z', 'bob');
    expect(await eventsOf(r.dir)).toEqual([
      aliceEvent({
        time: '2026-12-04T10:00:00Z',
        commit: m,
        event: 'granted',
        author: PEOPLE.bob,
        notes: [NO_GRANT_TRAILER],
      }),
    ]);
  });

  it('a grant re-added after removal, an in-place identity change, and files that are not grants', async () => {
    const r = repo();
    const s1 = r
      .write(ALICE, aliceGrant())
      .write('grants/coupa/README.md', 'not a grant\n')
      .commit('add', '2026-12-04T09:00:00Z');
    const s2 = r
      .write(ALICE, aliceGrant({ subject: 'mallory' }))
      .commit('give it to mallory', '2026-12-04T09:10:00Z');
    const s3 = r.remove(ALICE).commit('remove', '2026-12-04T09:20:00Z');
    const s4 = r.write(ALICE, aliceGrant()).commit('again', '2026-12-04T09:30:00Z');
    const direct = { author: PEOPLE.alice };
    expect(await eventsOf(r.dir)).toEqual([
      aliceEvent({
        time: '2026-12-04T09:00:00Z',
        commit: s1,
        event: 'granted',
        ...direct,
        notes: [NO_GRANT_TRAILER],
      }),
      aliceEvent({
        time: '2026-12-04T09:10:00Z',
        commit: s2,
        event: 'extended',
        subject: 'mallory',
        ...direct,
        notes: [
          'changed: subject (none) → mallory',
          'subject changed in place (the gate refuses this as E_IMMUTABLE_FIELD; a new file is a new grant)',
          NO_GRANT_TRAILER,
        ],
      }),
      aliceEvent({
        time: '2026-12-04T09:20:00Z',
        commit: s3,
        event: 'revoked',
        subject: 'mallory',
        ...direct,
        notes: [NO_REMOVAL_TRAILER],
      }),
      aliceEvent({
        time: '2026-12-04T09:30:00Z',
        commit: s4,
        event: 'granted',
        ...direct,
        notes: [`re-added; removed earlier in ${shortSha(s3)}`, NO_GRANT_TRAILER],
      }),
    ]);
  });

  it('an empty repository has no events', async () => {
    const r = repo();
    r.git(['checkout', '-q', '--orphan', 'empty']);
    r.git(['rm', '-rq', '--cached', '.']);
    // HEAD is now unborn.
    expect(await eventsOf(r.dir)).toEqual([]);
  });
});
