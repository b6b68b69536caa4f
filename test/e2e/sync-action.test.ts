import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatInstant } from '../../src/core/time.js';
import { runAction } from '../support/action.js';
import { type FakeGitHub, scheduleEvent, startFakeGitHub } from '../support/fake-github/index.js';
import { COUPA_POLICY, grantText, NETSUITE_POLICY } from '../support/fixtures.js';
import { type ScimServer, startScimServer } from '../support/scim-server.js';

const TOKEN = 'scim-secret-token-0123456789';
const POLICY = `${COUPA_POLICY}target:
  type: scim
  url_env: COUPA_SCIM_URL
  token_env: COUPA_SCIM_TOKEN
  user: "{subject}@acme.example"
  groups: { invoice-approver: JIT Invoice, vendor-master-editor: JIT Vendor }
`;
const hours = (h: number) => formatInstant(Date.now() + h * 3_600_000);

let fake: FakeGitHub;
let scim: ScimServer;

beforeEach(async () => {
  scim = await startScimServer({
    token: TOKEN,
    users: ['alice@acme.example', 'bob@acme.example'],
    groups: ['JIT Invoice', 'JIT Vendor'],
  });
  fake = await startFakeGitHub({
    files: {
      'policies/coupa.yaml': POLICY,
      'policies/netsuite.yaml': NETSUITE_POLICY,
      'grants/coupa/alice.yaml': grantText({ expires_at: hours(4) }),
    },
  });
});

afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
  await scim.close();
});

const sync = async (inputs: Record<string, string> = {}, extraEnv: Record<string, string> = {}) => {
  const run = await runAction(fake, {
    eventName: 'schedule',
    payload: scheduleEvent(fake),
    inputs: { token: fake.appToken, command: 'sync', ...inputs },
    env: { COUPA_SCIM_URL: scim.url, COUPA_SCIM_TOKEN: TOKEN, ...extraEnv },
  });
  return run;
};

describe('sync: the bundled action (command: sync) against a real SCIM server', () => {
  it('grants, removes drift, then a rerun changes nothing; the token is never printed', async () => {
    scim.addMemberByHand('JIT Vendor', 'bob@acme.example');
    const dry = await sync({ 'dry-run': 'true' });
    expect(dry.code, dry.stdout).toBe(0);
    expect(scim.members('JIT Invoice')).toEqual([]);

    const first = await sync();
    expect(first.code, first.stdout).toBe(0);
    expect(scim.members('JIT Invoice')).toEqual(['alice@acme.example']);
    expect(scim.members('JIT Vendor')).toEqual([]);
    expect(first.summary).toMatch(/1 added, 1 removed/);

    const patches = scim.requests.filter((r) => r.method === 'PATCH').length;
    const second = await sync();
    expect(second.code).toBe(0);
    expect(scim.requests.filter((r) => r.method === 'PATCH').length).toBe(patches);
    for (const out of [dry, first, second]) expect(out.stdout + out.stderr).not.toContain(TOKEN);
  });

  it('a missing secret fails the step, naming the variable, and changes nothing', async () => {
    const r = await sync({}, { COUPA_SCIM_TOKEN: '' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/COUPA_SCIM_TOKEN/);
    expect(scim.members('JIT Invoice')).toEqual([]);
  });
});
