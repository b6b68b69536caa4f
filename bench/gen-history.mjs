// Generates a benchmark git repository whose first-parent history holds N grant changes (lines
// of `git log --first-parent --name-status -- grants/`), written with one `git fast-import`: the
// gate's life over many months. Each step is one pull request, merged as a squash commit (about
// two thirds) or as a merge commit of a one-commit branch, with the trailers the gate writes:
// requests (one to three grants), extensions, narrowings, revocations, renames and expiry
// removal PRs (up to 20 expired grants each), plus unrelated docs commits. At the end, planted
// changes that bypass the gate and stay on the branch: grants pushed straight to main and
// approved grants edited afterwards without a trailer, so `jit audit --verify` must report
// exactly those. Returns the exact events and findings `jit audit` must produce.
// Seeded PRNG: the same (n, seed) gives the same repository (and the same commit ids).
//
//   node bench/gen-history.mjs --out DIR --n 10000 [--seed 1]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { prng, readPolicies } from './gen-grants.mjs';

const MIN = 60_000;
const HOUR = 60 * MIN;
const START = Date.parse('2025-01-06T08:00:00Z');
const PLANTED_PUSHES = 5;
const PLANTED_EDITS = 3;
const USERS = Array.from({ length: 60 }, (_, i) => `user${String(i).padStart(2, '0')}`);
const APPROVERS = ['carol', 'dave', 'erin', 'frank', 'grace'];

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** fast-import stream writer: blobs by content (deduplicated), commits with marks. */
function streamWriter() {
  const parts = [];
  let mark = 0;
  const blobs = new Map();
  const data = (text) => {
    parts.push(`data ${Buffer.byteLength(text)}\n${text}\n`);
  };
  return {
    blob(text) {
      let m = blobs.get(text);
      if (!m) {
        m = ++mark;
        blobs.set(text, m);
        parts.push(`blob\nmark :${m}\n`);
        data(text);
      }
      return m;
    },
    /** ops: [['M', path, text] | ['D', path] | ['R', from, to]] */
    commit({ ref, author, committer, time, message, from, merge, ops }) {
      const blobMarks = ops.map((op) => (op[0] === 'M' ? this.blob(op[2]) : 0));
      const m = ++mark;
      const sec = Math.floor(time / 1000);
      parts.push(`commit ${ref}\nmark :${m}\n`);
      parts.push(`author ${author} ${sec - 60} +0000\ncommitter ${committer} ${sec} +0000\n`);
      data(message);
      if (from) parts.push(`from :${from}\n`);
      if (merge) parts.push(`merge :${merge}\n`);
      ops.forEach((op, i) => {
        if (op[0] === 'M') parts.push(`M 100644 :${blobMarks[i]} ${op[1]}\n`);
        else if (op[0] === 'D') parts.push(`D ${op[1]}\n`);
        else parts.push(`R ${op[1]} ${op[2]}\n`);
      });
      parts.push('\n');
      return m;
    },
    text: () => `${parts.join('')}done\n`,
  };
}

function grantText(g) {
  const lines = [`requester: ${g.requester}`, `role: ${g.role}`];
  if (g.ticket) lines.push(`ticket: ${g.ticket}`);
  lines.push(
    `justification: Benchmark request ${g.seq} for the quarterly close of ${g.system}, see the ticket.`,
  );
  lines.push(`expires_at: "${iso(g.expiresAt)}"`);
  if (g.costCenter) lines.push(`cost_center: CC-${String(1000 + (g.seq % 9000)).padStart(4, '0')}`);
  return `${lines.join('\n')}\n`;
}

function trailerBlock(t) {
  const lines = [];
  for (const g of t.grants ?? []) {
    lines.push(
      `Jit-Grant: ${g.path}`,
      `Jit-Change: ${g.change}`,
      `Jit-Requested-By: ${g.requester}`,
    );
    for (const a of g.approvers) lines.push(`Jit-Approved-By: ${a}`);
    if (g.ticket) lines.push(`Jit-Ticket: ${g.ticket}`);
    lines.push(`Jit-Expires-At: ${iso(g.expiresAt)}`);
    lines.push(`Jit-Policy: policies/${g.system}.yaml@${'5'.repeat(40)}`);
  }
  for (const p of t.revoked ?? []) lines.push(`Jit-Revoked: ${p}`);
  for (const p of t.expired ?? []) lines.push(`Jit-Expired: ${p}`);
  lines.push(`Jit-Pull-Request: ${t.pr}`);
  lines.push(`Jit-Decision: ${t.pr.toString(16).padStart(64, '0')}`);
  return lines.join('\n');
}

/**
 * Builds the repository at `root` (replaced). Returns { changes, commits, merges, events:
 * { granted, … }, unknownApprovers, findings: [paths], live }.
 */
export function generateHistory({ root, n, seed = 1, policiesDir = 'policies' }) {
  const rnd = prng(seed);
  const systems = readPolicies(policiesDir);
  const w = streamWriter();
  const GH = 'GitHub <noreply@github.com>';
  let t = START;
  let seq = 0;
  let pr = 0;
  const live = new Map(); // path -> grant
  const events = { granted: 0, extended: 0, narrowed: 0, revoked: 0, expired: 0 };
  let changes = 0;
  let merges = 0;
  let commits = 0;

  const policyOps = readdirSync(policiesDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ['M', `policies/${f}`, readFileSync(join(policiesDir, f), 'utf8')]);
  let tip = w.commit({
    ref: 'refs/heads/main',
    author: GH,
    committer: GH,
    time: t,
    message: 'Add policies\n',
    ops: [['M', 'README.md', '# access\n'], ...policyOps],
  });
  commits++;

  const newGrant = () => {
    const s = rnd.pick(systems);
    const r = rnd.pick(s.roles);
    const requester = rnd.pick(USERS);
    seq++;
    const ticket = s.ticket ? `PROC-${10000 + seq}` : undefined;
    const g = {
      seq,
      system: s.system,
      role: r.role,
      requester,
      ticket,
      costCenter: s.costCenter,
      expiresAt: t + HOUR * rnd.int(2, 8),
      path: `grants/${s.system}/${requester}-${r.role}-${seq}.yaml`,
    };
    return g;
  };
  const approvers = () => {
    const a = rnd.pick(APPROVERS);
    return rnd.next() < 0.3 ? [a, APPROVERS[(APPROVERS.indexOf(a) + 1) % APPROVERS.length]] : [a];
  };
  const trailerOf = (g, change, approvedBy) => ({ ...g, change, approvers: approvedBy });

  /** Merges one PR: squash commit, or a branch commit plus a merge commit. */
  const land = (title, ops, trailers, author) => {
    pr++;
    t += MIN * rnd.int(20, 120);
    const message = `${title} (#${pr})\n\n${trailerBlock({ ...trailers, pr })}\n`;
    const n = ops.length;
    if (rnd.next() < 0.35) {
      const branch = w.commit({
        ref: `refs/heads/pr-${pr % 8}`,
        author,
        committer: author,
        time: t - 30 * MIN,
        message: `${title}\n`,
        from: tip,
        ops,
      });
      tip = w.commit({
        ref: 'refs/heads/main',
        author,
        committer: GH,
        time: t,
        message: `Merge pull request #${pr} from acme/pr-${pr}\n\n${title}\n\n${trailerBlock({ ...trailers, pr })}\n`,
        from: tip,
        merge: branch,
        ops,
      });
      merges++;
      commits += 2;
    } else {
      tip = w.commit({
        ref: 'refs/heads/main',
        author,
        committer: GH,
        time: t,
        message,
        from: tip,
        ops,
      });
      commits++;
    }
    changes += n;
  };
  const person = (login) => `${login} <${login}@acme.example>`;
  const pickLive = (pred) => {
    const xs = [...live.values()].filter(pred);
    return xs.length ? rnd.pick(xs) : undefined;
  };
  const budget = n - PLANTED_PUSHES - PLANTED_EDITS;

  while (changes < budget) {
    const left = budget - changes;
    const expired = [...live.values()].filter((g) => g.expiresAt <= t);
    const roll = rnd.next();
    if (expired.length >= 20 || (expired.length > 0 && roll < 0.08)) {
      const batch = expired.slice(0, Math.min(20, left));
      for (const g of batch) live.delete(g.path);
      land(
        `Remove ${batch.length} expired grant(s)`,
        batch.map((g) => ['D', g.path]),
        { expired: batch.map((g) => g.path) },
        GH,
      );
      events.expired += batch.length;
    } else if (roll < 0.62) {
      const k = Math.min(left, rnd.next() < 0.15 ? rnd.int(2, 3) : 1);
      const gs = Array.from({ length: k }, newGrant);
      for (const g of gs) live.set(g.path, g);
      land(
        `Request access for ${gs[0].requester}`,
        gs.map((g) => ['M', g.path, grantText(g)]),
        { grants: gs.map((g) => trailerOf(g, 'added', approvers())) },
        person(gs[0].requester),
      );
      events.granted += k;
    } else if (roll < 0.74) {
      const g = pickLive((x) => x.expiresAt > t + HOUR);
      if (!g) continue;
      const narrow = rnd.next() < 0.5;
      g.expiresAt = narrow ? g.expiresAt - 30 * MIN : g.expiresAt + HOUR * rnd.int(1, 4);
      land(
        `${narrow ? 'Narrow' : 'Extend'} ${g.path}`,
        [['M', g.path, grantText(g)]],
        { grants: [trailerOf(g, narrow ? 'narrowed' : 'modified', narrow ? [] : approvers())] },
        person(g.requester),
      );
      events[narrow ? 'narrowed' : 'extended']++;
    } else if (roll < 0.84) {
      // Revoked well before expiry (the land() clock moves up to 2 h).
      const g = pickLive((x) => x.expiresAt > t + 3 * HOUR);
      if (!g) continue;
      live.delete(g.path);
      land(`Revoke ${g.path}`, [['D', g.path]], { revoked: [g.path] }, person(g.requester));
      events.revoked++;
    } else if (roll < 0.9) {
      const g = pickLive((x) => x.expiresAt > t + 3 * HOUR);
      if (!g) continue;
      const from = g.path;
      live.delete(from);
      g.path = from.replace(/\.yaml$/, '-r.yaml');
      live.set(g.path, g);
      land(
        `Rename ${from}`,
        [['R', from, g.path]],
        { grants: [trailerOf(g, 'renamed', approvers())] },
        person(g.requester),
      );
      events.revoked++;
      events.granted++;
    } else {
      t += MIN * rnd.int(5, 30);
      tip = w.commit({
        ref: 'refs/heads/main',
        author: person('docs'),
        committer: person('docs'),
        time: t,
        message: 'Docs: update the access guide\n',
        from: tip,
        ops: [['M', 'README.md', `# access\n\nRevision ${pr}.\n`]],
      });
      commits++;
    }
  }

  // Plants: changes that bypassed the gate and are still on the branch.
  const findings = [];
  for (let i = 0; i < PLANTED_PUSHES; i++) {
    t += 10 * MIN;
    const g = newGrant();
    g.expiresAt = t + 365 * 24 * HOUR;
    tip = w.commit({
      ref: 'refs/heads/main',
      author: person('mallory'),
      committer: person('mallory'),
      time: t,
      message: 'quick fix\n',
      from: tip,
      ops: [['M', g.path, grantText(g)]],
    });
    commits++;
    changes++;
    events.granted++;
    findings.push(g.path);
  }
  const editable = [...live.values()].slice(-PLANTED_EDITS);
  for (const g of editable) {
    t += 10 * MIN;
    g.expiresAt += 365 * 24 * HOUR;
    tip = w.commit({
      ref: 'refs/heads/main',
      author: person('mallory'),
      committer: person('mallory'),
      time: t,
      message: 'extend a bit\n',
      from: tip,
      ops: [['M', g.path, grantText(g)]],
    });
    commits++;
    changes++;
    events.extended++;
    findings.push(g.path);
  }
  if (editable.length < PLANTED_EDITS) throw new Error('bench: too few live grants to plant edits');

  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const git = (args, input) => {
    const r = spawnSync('git', args, { cwd: root, input, maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`git ${args[0]}: ${r.stderr.toString()}`);
    return r.stdout.toString();
  };
  git(['init', '-q', '-b', 'main']);
  git(['fast-import', '--quiet'], w.text());
  git(['reset', '-q', '--hard', 'main']);
  return {
    changes,
    commits,
    merges,
    events,
    eventTotal: Object.values(events).reduce((a, b) => a + b, 0),
    unknownApprovers: PLANTED_PUSHES + PLANTED_EDITS,
    findings: findings.sort(),
    live: live.size + PLANTED_PUSHES,
    head: git(['rev-parse', 'HEAD']).trim(),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, n: { type: 'string' }, seed: { type: 'string' } },
  });
  if (!values.out || !values.n) {
    console.error('usage: node bench/gen-history.mjs --out DIR --n 10000 [--seed 1]');
    process.exit(2);
  }
  const g = generateHistory({
    root: values.out,
    n: Number(values.n),
    seed: Number(values.seed ?? 1),
  });
  console.log(JSON.stringify(g, null, 2));
}
