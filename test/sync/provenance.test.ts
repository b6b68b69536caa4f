import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatTrailers } from '../../src/core/audit/trailers.js';
import { TestRepo } from '../audit/repo.js';
import { jit } from '../support/cli.js';
import { COUPA_POLICY, grantText } from '../support/fixtures.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const SECRET = 'provenance-test-secret-0123456789';
const POLICY = `${COUPA_POLICY}target:
  type: webhook
  url_env: COUPA_HOOK_URL
  secret_env: COUPA_HOOK_SECRET
  groups: { invoice-approver: coupa-invoice }
`;
const ALICE = 'grants/coupa/alice.yaml';
const BOB = 'grants/coupa/bob.yaml';

let repo: TestRepo;
let hook: WebhookReceiver;

beforeEach(async () => {
  hook = await startWebhookReceiver({ secret: SECRET, groups: { 'coupa-invoice': [] } });
  repo = new TestRepo();
  repo.write('policies/coupa.yaml', POLICY).commit('Add a webhook target', '2026-12-01T10:00:00Z');
  // alice's grant arrives through the gate: its merge commit carries the trailers.
  repo.write(ALICE, grantText()).commit(
    `jit: grant coupa/invoice-approver to alice (#7)\n\n${formatTrailers({
      grants: [
        {
          grant: ALICE,
          change: 'added',
          requestedBy: 'alice',
          approvedBy: ['carol'],
          ticket: 'PROC-4821',
          expiresAt: '2026-12-04T17:00:00Z',
        },
      ],
      revoked: [],
      expired: [],
      pr: 7,
    })}`,
    '2026-12-04T11:00:00Z',
    'github',
  );
  // bob pushes his own grant straight to the default branch.
  repo
    .write(BOB, grantText({ requester: 'bob', ticket: 'PROC-9' }))
    .commit('add my access', '2026-12-04T11:30:00Z', 'bob');
});

afterEach(async () => {
  await hook.close();
  repo.cleanup();
});

const sync = (...extra: string[]) =>
  jit(
    ['sync', '--root', repo.dir, '--now', '2026-12-04T12:00:00Z', '--json', ...extra],
    undefined,
    {
      COUPA_HOOK_URL: hook.url,
      COUPA_HOOK_SECRET: SECRET,
    },
  );

describe('sync --require-provenance', () => {
  it('grants only what arrived through an approved merge; the pushed grant is refused and reported', async () => {
    const r = await sync('--require-provenance');
    expect(r.code).toBe(1);
    expect(hook.members('coupa-invoice')).toEqual(['alice']);
    expect(r.stderr + r.stdout).toMatch(/grants\/coupa\/bob\.yaml/);
  });

  it('without the option both grants are applied (provenance is opt-in)', async () => {
    const r = await sync();
    expect(r.code, r.stderr).toBe(0);
    expect(hook.members('coupa-invoice').sort()).toEqual(['alice', 'bob']);
  });
});
