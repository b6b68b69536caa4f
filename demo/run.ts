/**
 * `npm run demo`: the whole lifecycle of one access request, on local stand-ins, narrated.
 *
 * A fake GitHub (test/support/fake-github: GitHub's REST API over a real bare git repository),
 * a SCIM server standing in for Coupa, a throwaway PostgreSQL cluster for the procurement
 * database and a webhook receiver for NetSuite, all on 127.0.0.1. The action is the committed
 * bundle `dist/index.js`, run exactly as the GitHub Actions runner runs it, with the real clock;
 * `jit audit` is the committed CLI (`bin/jit.js`). Everything is removed at the end, on failure
 * and on Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { formatInstant } from '../src/core/time.js';
import {
  type FakeGitHub,
  pullRequestEvent,
  scheduleEvent,
  startFakeGitHub,
  workflowRunEvent,
} from '../test/support/fake-github/index.js';
import { type PgCluster, startPostgres } from '../test/support/pg-cluster.js';
import { type ScimServer, startScimServer } from '../test/support/scim-server.js';
import { startWebhookReceiver } from '../test/support/webhook-receiver.js';
import {
  COUPA_GRANT,
  COUPA_GROUPS,
  COUPA_INVOICE_GROUP,
  COUPA_USERS,
  coupaGrant,
  DB_GRANT,
  DBA_SETUP,
  dbGrant,
  NETSUITE_GROUPS,
  PEOPLE,
  REPO,
  repositoryFiles,
  SCIM_TOKEN,
  TEAMS,
  TICKET,
  WEBHOOK_SECRET,
} from './acme.js';
import { type ActionRun, killRunningActions, runAction } from './action.js';
import { Stage } from './stage.js';
import { banner, command, pairs, paragraph, say, show, step } from './terminal.js';

/**
 * How long the requested access lasts, in seconds. Real grants last hours; this one lasts seconds
 * so that you can watch it end, and it must outlast the three gate runs of steps 2 to 4. The
 * window is sized from how long one action run took in step 1 on this machine (15 s on a laptop,
 * more on a loaded CI runner); DEMO_WINDOW_SECONDS overrides it.
 */
function windowSeconds(oneRunMs: number): number {
  const forced = Number(process.env.DEMO_WINDOW_SECONDS);
  if (Number.isInteger(forced) && forced >= 5) return forced;
  return Math.min(50, Math.max(15, Math.ceil(4 + (8 * oneRunMs) / 1000)));
}

class DemoError extends Error {}

function check(ok: boolean, what: string, run?: ActionRun): asserts ok {
  if (!ok) throw new DemoError(`${what}${run ? `\n--- action log ---\n${run.log.trim()}` : ''}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `git <args>` in the bare repository behind the fake GitHub. */
const git = (fake: FakeGitHub, args: string[]) => fake.repo.git(args);

/** A command run to completion (the jit CLI), its output captured. */
function run(argv: string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

/** Members of a SCIM group, asked from the SCIM server over its API (as a Coupa admin would). */
async function scimMembers(scim: ScimServer, group: string): Promise<string[]> {
  const filter = encodeURIComponent(`displayName eq "${group}"`);
  const res = await fetch(`${scim.url}/Groups?filter=${filter}`, {
    headers: { authorization: `Bearer ${SCIM_TOKEN}`, accept: 'application/scim+json' },
  });
  const body = (await res.json()) as {
    Resources?: Array<{ members?: Array<{ value: string; display?: string }> }>;
  };
  return (body.Resources?.[0]?.members ?? []).map((m) => m.display ?? m.value).sort();
}

/** Members of a PostgreSQL role, straight from the catalog (as the DBA would check). */
async function pgMembers(pg: PgCluster, role: string): Promise<string[]> {
  const rows = await pg.query<{ member: string }>(
    `SELECT m.rolname AS member FROM pg_auth_members a
       JOIN pg_roles r ON r.oid = a.roleid JOIN pg_roles m ON m.oid = a.member
      WHERE r.rolname = $1 ORDER BY 1`,
    [role],
  );
  return rows.map((r) => r.member);
}

const list = (xs: string[]) => (xs.length ? xs.join(', ') : '(no members)');

/** The lines of a sync run's log that say what it did, per system and in total. */
function syncLines(r: ActionRun): string[] {
  return r.log
    .split('\n')
    .filter((l) => /^[a-z0-9-]+ \([a-z-]+\): |^(dry run: )?\d+ system\(s\): /.test(l));
}

/** The head of the sticky comment: verdict, summary, and each grant's state and requirements. */
function commentExcerpt(body: string): string[] {
  return body
    .split('\n')
    .filter((l) => /^(### |` |#### |- \[[ x]\] )/.test(l))
    .map((l) => (l.startsWith('#### ') ? `\n${l}` : l))
    .join('\n')
    .split('\n');
}

async function main(stage: Stage): Promise<void> {
  const t0 = Date.now();
  banner(
    'jit-access demo: one access request, from pull request to expiry',
    'Everything runs on this machine, on stand-ins listening on 127.0.0.1, and is removed when the demo ends (also on Ctrl-C). It takes about 25 seconds, most of them waiting for the access to expire.',
  );

  // ── 1 ───────────────────────────────────────────────────────────────────────────────────────
  step(
    1,
    'Set up acme: its access repository, its directory, its database',
    'A fake GitHub hosts acme/access with the example policies and CODEOWNERS from this repository (policies/, .github/CODEOWNERS) and the people and teams of docs/example-org.md. Coupa is a SCIM server, NetSuite a webhook receiver, and the procurement database a throwaway PostgreSQL where the DBA has created the roles jit-access may hand out.',
  );
  let pg: PgCluster | undefined;
  let pgSkipped = '';
  try {
    const cluster = stage.own('PostgreSQL', await startPostgres(), (c) => c.stop());
    for (const sql of DBA_SETUP) await cluster.query(sql);
    pg = cluster;
  } catch (e) {
    pgSkipped = (e as Error).message.split('\n')[0]!;
  }
  const fake = stage.own(
    'fake GitHub',
    await startFakeGitHub({ files: repositoryFiles({ postgres: pg !== undefined }) }),
    (f) => f.close(),
  );
  for (const login of PEOPLE) fake.state.addUser(login, { permission: 'write' });
  for (const [team, members] of Object.entries(TEAMS)) fake.state.addTeam(team, members);
  const scim = stage.own(
    'SCIM server',
    await startScimServer({ token: SCIM_TOKEN, users: COUPA_USERS, groups: COUPA_GROUPS }),
    (s) => s.close(),
  );
  // The break-glass account is in the group by hand; policies/coupa.yaml preserves it.
  scim.addMemberByHand(COUPA_INVOICE_GROUP, 'coupa-breakglass@acme.example');
  const netsuite = stage.own(
    'webhook receiver',
    await startWebhookReceiver({ secret: WEBHOOK_SECRET, groups: NETSUITE_GROUPS }),
    (w) => w.close(),
  );
  // The sync job's secrets, as a workflow would pass them from repository secrets.
  const secrets: Record<string, string> = {
    COUPA_SCIM_URL: scim.url,
    COUPA_SCIM_TOKEN: SCIM_TOKEN,
    NETSUITE_JIT_WEBHOOK_URL: netsuite.url,
    NETSUITE_JIT_WEBHOOK_SECRET: WEBHOOK_SECRET,
    GITHUB_TOKEN: fake.appToken,
    ...(pg ? { PROCUREMENT_DB_DSN: pg.dsn } : {}),
  };
  const policies = (await git(fake, ['ls-tree', '--name-only', 'main', 'policies/']))
    .trim()
    .split('\n')
    .map((p) => p.replace(/^policies\/(.*)\.yaml$/, '$1'));
  const teams = Object.entries(TEAMS).filter(([, m]) => m.length > 0);
  pairs([
    ['GitHub', `${fake.url}  repository acme/access`],
    ['', `policies/: ${policies.join(', ')}; .github/CODEOWNERS`],
    ...teams.map(([t, m]): [string, string] => ['', `@acme/${t}: ${m.join(', ')}`]),
    [
      'Coupa',
      `${scim.url}  SCIM 2.0, ${COUPA_USERS.length} users, groups ${COUPA_GROUPS.join(', ')}`,
    ],
    ['NetSuite', `${netsuite.url}  signed webhook`],
    [
      'procurement-db',
      pg
        ? `127.0.0.1:${pg.port}  PostgreSQL, roles jit_proc_readonly, jit_proc_analyst, jit_proc_dba`
        : `skipped: ${pgSkipped}`,
    ],
  ]);
  if (!pg) {
    say(
      'Without PostgreSQL the procurement-db parts are skipped: its policy is left out of acme/access and alice asks for Coupa only. Everything else runs.',
    );
  }

  say(
    'A dry run of the sync job (the action, command: sync, dry-run: true) checks that every target answers with the secrets a workflow would pass it, and that nobody holds access yet:',
  );
  const dryRun = await runAction(fake, {
    dir: stage.dir,
    eventName: 'schedule',
    payload: scheduleEvent(fake, { workflow: '.github/workflows/sync.yml' }),
    inputs: { token: fake.appToken, command: 'sync', 'dry-run': 'true' },
    env: secrets,
  });
  check(dryRun.code === 0, `the dry-run sync failed (exit ${dryRun.code})`, dryRun);
  show(syncLines(dryRun));
  const window = windowSeconds(dryRun.ms);

  const evaluate = async (payload: unknown, eventName: string) => {
    const r = await runAction(fake, {
      dir: stage.dir,
      eventName,
      payload,
      inputs: { token: fake.appToken, command: 'evaluate', merge: 'squash' },
    });
    check(r.code === 0, `the gate failed (exit ${r.code})`, r);
    return r;
  };
  const status = (sha: string) =>
    fake.state.statuses.filter((s) => s.sha === sha && s.context === 'jit-access/approval').at(-1);
  const comment = (n: number) =>
    fake.state.commentsOn(n).find((c) => c.user === fake.appLogin)?.body ?? '';

  // ── 2 ───────────────────────────────────────────────────────────────────────────────────────
  const expiresMs = Math.ceil(Date.now() / 1000 + window) * 1000;
  const expiresAt = formatInstant(expiresMs);
  step(
    2,
    'alice asks for access with a pull request',
    `alice needs to approve invoices in Coupa${pg ? ' and to read the procurement database' : ''}. She opens a pull request that adds ${pg ? 'one small file per system' : 'one small file'}; the access window ends at ${expiresAt}, ${window} seconds from now (real grants last hours; this one is short so that you can watch it end).`,
  );
  const files: Record<string, string> = { [COUPA_GRANT]: coupaGrant(expiresAt) };
  if (pg) files[DB_GRANT] = dbGrant(expiresAt);
  const pr = await fake.state.openPullRequest({
    author: 'alice',
    head: 'alice/proc-5012',
    title: `Access: Coupa invoice approval${pg ? ' and procurement-db readonly' : ''} (${TICKET})`,
    files,
  });
  for (const [path, text] of Object.entries(files)) {
    show([
      `${path}:`,
      ...text
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => `  ${l}`),
    ]);
  }
  say(
    'The gate (the action, command: evaluate, triggered by pull_request_target) judges the files against the policies and CODEOWNERS of the default branch.',
  );
  let r = await evaluate(
    await pullRequestEvent(fake, { action: 'opened', number: pr.number }),
    'pull_request_target',
  );
  check(r.outputs.verdict === 'pending', `expected pending, got ${r.outputs.verdict}`, r);
  let pull = fake.state.pull(pr.number);
  let st = status(pull.headSha);
  pairs([
    ['pull request', `#${pr.number} by alice: ${pull.title}`],
    ['verdict', r.outputs.verdict!],
    ['commit status', `jit-access/approval ${st?.state}, "${st?.description}"`],
    [
      'reviews requested',
      [...pull.requestedTeams.map((t) => `@acme/${t}`), ...pull.requestedReviewers].join(', ') ||
        '(none)',
    ],
  ]);
  say('The sticky comment on the pull request (excerpt, markdown):');
  show(commentExcerpt(comment(pr.number)));

  // ── 3 ───────────────────────────────────────────────────────────────────────────────────────
  step(
    3,
    'alice approves her own pull request',
    'GitHub lets anyone with write access leave an approving review, including the author. The gate re-evaluates (review events reach it through workflow_run) and ignores the review: nobody approves their own access.',
  );
  await fake.state.submitReview({ number: pr.number, user: 'alice', state: 'APPROVED' });
  r = await evaluate(await workflowRunEvent(fake, { number: pr.number }), 'workflow_run');
  check(r.outputs.verdict === 'pending', `expected pending, got ${r.outputs.verdict}`, r);
  const ignored = [
    ...new Set(
      comment(pr.number)
        .split('\n')
        .filter((l) => l.includes('I_SELF')),
    ),
  ];
  check(ignored.length > 0, 'the comment does not mention I_SELF', r);
  st = status(pull.headSha);
  pairs([
    ['verdict', `${r.outputs.verdict} (still)`],
    ['commit status', `jit-access/approval ${st?.state}, "${st?.description}"`],
  ]);
  show(ignored);

  // ── 4 ───────────────────────────────────────────────────────────────────────────────────────
  step(
    4,
    'carol, a procurement lead, approves',
    'carol is in @acme/procurement-leads, the approvers of policies/coupa.yaml and the code owners of grants/coupa/. Her approval completes the request, so the gate merges it (squash) with git trailers that record who asked, who approved, until when and under which policy.',
  );
  await fake.state.submitReview({ number: pr.number, user: 'carol', state: 'APPROVED' });
  r = await evaluate(await workflowRunEvent(fake, { number: pr.number }), 'workflow_run');
  check(
    r.outputs.verdict === 'approved' && r.outputs.merged === 'true',
    `expected approved and merged, got ${r.outputs.verdict} (merged: ${r.outputs.merged})${
      Date.now() >= expiresMs
        ? `. The ${window} s access window ended before carol's approval was evaluated: this machine is slower than the demo expected; run it again with DEMO_WINDOW_SECONDS=60`
        : ''
    }`,
    r,
  );
  pull = fake.state.pull(pr.number);
  st = status(pull.headSha);
  pairs([
    ['verdict', r.outputs.verdict!],
    ['commit status', `jit-access/approval ${st?.state}, "${st?.description}"`],
    [
      'merged',
      `#${pr.number} into main as ${pull.mergeCommitSha?.slice(0, 12)} by ${pull.mergedBy}`,
    ],
  ]);
  command('git log -1 --format=%B main');
  const grantMessage = await git(fake, ['log', '-1', '--format=%B', 'main']);
  show(grantMessage);

  // ── 5 ───────────────────────────────────────────────────────────────────────────────────────
  step(
    5,
    'The sync job grants the access',
    'The sync job (the action, command: sync, on a schedule) reads the active grants of the default branch and makes every target system equal to them: it adds what is missing and removes what no grant backs.',
  );
  const sync = async () => {
    const s = await runAction(fake, {
      dir: stage.dir,
      eventName: 'schedule',
      payload: scheduleEvent(fake, { workflow: '.github/workflows/sync.yml' }),
      inputs: { token: fake.appToken, command: 'sync' },
      env: secrets,
    });
    check(s.code === 0, `sync failed (exit ${s.code})`, s);
    return s;
  };
  r = await sync();
  show(syncLines(r));
  say(
    pg
      ? 'alice is now a member of the Coupa group and of the PostgreSQL role, as the servers themselves report it (SCIM GET /Groups, pg_auth_members):'
      : 'alice is now a member of the Coupa group, as the SCIM server itself reports it (GET /Groups):',
  );
  const showMembers = async (note: string) => {
    const coupa = await scimMembers(scim, COUPA_INVOICE_GROUP);
    const rows: Array<[string, string]> = [
      ['Coupa', `SCIM group "${COUPA_INVOICE_GROUP}": ${list(coupa)}${note}`],
    ];
    const db = pg ? await pgMembers(pg, 'jit_proc_readonly') : [];
    if (pg) rows.push(['procurement-db', `PostgreSQL role jit_proc_readonly: ${list(db)}`]);
    pairs(rows);
    return [...coupa, ...db];
  };
  let members = await showMembers('');
  check(
    members.includes('alice@acme.example') && (!pg || members.includes('alice')),
    'alice did not become a member',
    r,
  );

  // ── 6 ───────────────────────────────────────────────────────────────────────────────────────
  step(
    6,
    'The window ends',
    'Nothing is faked here: the action reads the real clock, so the demo simply waits until the expires_at in the file has passed. Then sync takes the access away (by time, whether or not the file is still there), and the expiry job opens a removal pull request and merges it at once.',
  );
  const wait = expiresMs + 1000 - Date.now();
  say(`Waiting ${Math.max(0, Math.ceil(wait / 1000))} s until ${expiresAt} has passed…`);
  if (wait > 0) await sleep(wait);
  r = await sync();
  show(syncLines(r));
  say(`Access revoked: alice is ${pg ? 'in neither' : 'not in the group'} any more.`);
  members = await showMembers(" (break-glass account, kept by the policy's preserve)");
  check(!members.some((m) => m.startsWith('alice')), 'alice is still a member', r);
  say('The expiry job (the action, command: expire, auto-merge: true) cleans up the repository:');
  r = await runAction(fake, {
    dir: stage.dir,
    eventName: 'schedule',
    payload: scheduleEvent(fake),
    inputs: { token: fake.appToken, command: 'expire', 'auto-merge': 'true' },
  });
  check(r.code === 0, `expire failed (exit ${r.code})`, r);
  const removal = [...fake.state.pulls.values()].find((p) => p.headRef.startsWith('jit/expire/'));
  check(removal?.merged === true, 'the removal pull request was not merged', r);
  pairs([
    [
      'removal PR',
      `#${removal.number} "${removal.title}" by ${removal.author}, label ${removal.labels.join(', ')}`,
    ],
    ['merged', `into main as ${removal.mergeCommitSha?.slice(0, 12)}`],
  ]);
  command('git log -1 --format=%B main');
  show(await git(fake, ['log', '-1', '--format=%B', 'main']));

  // ── 7 ───────────────────────────────────────────────────────────────────────────────────────
  step(
    7,
    'An auditor reads the history',
    'jit audit needs no API and no database: it reads git log of a clone of acme/access and turns the trailers into one event per grant change. --verify checks that every grant on the default branch arrived through an approved merge.',
  );
  const clone = join(stage.dir, 'auditor');
  await fake.clone(clone);
  const jit = join(REPO, 'bin', 'jit.js');
  command('git clone …/acme/access && cd access && npx jit audit');
  const audit = await run([jit, 'audit'], clone);
  check(audit.code === 0, `jit audit failed (exit ${audit.code}):\n${audit.out}`);
  show(audit.out);
  say(
    `--verify as of the moment alice held the access (the merge of #${pr.number}), and as of now, when both grants are gone:`,
  );
  for (const ref of [pull.mergeCommitSha!.slice(0, 12), null]) {
    const args = ['audit', '--verify', ...(ref ? ['--ref', ref] : [])];
    command(`npx jit ${args.join(' ')}`);
    const verify = await run([jit, ...args], clone);
    check(verify.code === 0, `jit ${args.join(' ')} failed (exit ${verify.code}):\n${verify.out}`);
    show(verify.out.split('\n').filter((l) => /^(verify|E_)/.test(l)));
  }

  check(
    fake.violations.length === 0,
    `the fake GitHub saw requests GitHub would refuse:\n${JSON.stringify(fake.violations, null, 2)}`,
  );

  paragraph(
    `What you just saw: access to a procurement system was a pull request adding one YAML file. The gate judged it against the policy and CODEOWNERS of the default branch, ignored alice's own approval, merged once the right person (carol) approved, and wrote the evidence into the merge commit. Sync granted the access in Coupa${pg ? ' and PostgreSQL' : ''} and took it away when the window ended; the expiry job removed the file; and git log alone tells an auditor who asked, who approved, what, until when and under which policy. (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
  );
  paragraph(
    'Read more: README.md ("Asking for access", "How a pull request is judged", "For auditors", "Adopt it in your organisation"), docs/deployment.md (the workflows and branch protection), docs/sync.md and docs/targets.md (connectors), docs/expire.md, docs/audit.md, docs/example-org.md. The demo itself is demo/run.ts.',
  );
}

const stage = new Stage();
stage.trapSignals(killRunningActions);
let exitCode = 0;
try {
  await main(stage);
} catch (e) {
  exitCode = 1;
  // After Ctrl-C the running action dies with it; that failure is expected, not news.
  if (!stage.interrupted)
    process.stderr.write(
      `\ndemo failed: ${e instanceof DemoError ? e.message : ((e as Error).stack ?? String(e))}\n`,
    );
} finally {
  killRunningActions();
  await stage.teardown();
}
process.exit(stage.signalExit ?? exitCode);
