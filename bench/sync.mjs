// Benchmark part `sync`: `jit sync` with 1,000 active grants over 20 groups per target, against
// the real SCIM 2.0 test server (scimmy) and a throwaway PostgreSQL cluster, both on loopback.
// Each cycle measures four runs of the bundled CLI as a fresh process (as the action runs it):
//   first     empty targets: 1,000 additions per target
//   steady    nothing changed: must only read (zero writes)
//   expire-5% 50 grants per target past expires_at: 50 removals each
//   expire-all every grant past expires_at: the remaining 950 removals each
// Requests are counted by the servers themselves (SCIM requests seen by the server, SQL
// statements seen by a recording proxy in front of PostgreSQL) and must equal what `jit sync
// --json` reports; the target state after every run must be exactly the expected one. Either
// mismatch is Inconsistent (exit 1). Goals: steady state writes nothing and its requests do not
// grow with the number of grants beyond one read per group and member.
//
// Standalone: node bench/sync.mjs [--runs N]
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { tsImport } from 'tsx/esm/api';

export const description =
  'jit sync, 1,000 grants over 20 groups per target, SCIM server + PostgreSQL: wall time and target requests per run';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WORK = join(REPO, '.tmp', 'bench', 'sync');
const GRANTS = 1000;
const GROUPS = 20;
const USERS = 250; // each user holds 4 roles: 1,000 grants, 50 members per group
const EXPIRE_EARLY = 50;
const DEFAULT_RUNS = 3;
const T0 = Date.parse('2026-12-05T10:00:00Z');
const HOUR = 3_600_000;
const TOKEN = 'bench-scim-token-7f3e1a';

class Inconsistent extends Error {}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const pad = (n, w = 2) => String(n).padStart(w, '0');
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const user = (i) => `u${pad(i, 3)}`;
const roleOf = (i, k) => `r${pad(((i * 7 + k * 5) % GROUPS) + 1)}`;
const scimGroup = (r) => `JIT Bench ${r}`;
const pgRole = (r) => `jit_bench_${r}`;
const ROLES = Array.from({ length: GROUPS }, (_, g) => `r${pad(g + 1)}`);

/** The tree: two policies (scim, postgres) with 20 mapped roles each and 1,000 grants each. */
function writeRepo(root) {
  rmSync(root, { recursive: true, force: true });
  const roles = ROLES.map((r) => `  ${r}: {}`).join('\n');
  const head = `approvals: 0\nmax_duration: 8h\nroles:\n${roles}\n`;
  const map = (f) => ROLES.map((r) => `    ${r}: "${f(r)}"`).join('\n');
  mkdirSync(join(root, 'policies'), { recursive: true });
  writeFileSync(
    join(root, 'policies', 'idp.yaml'),
    `${head}target:\n  type: scim\n  url_env: IDP_SCIM_URL\n  token_env: IDP_SCIM_TOKEN\n  user: "{subject}@bench.example"\n  groups:\n${map(scimGroup)}\n`,
  );
  writeFileSync(
    join(root, 'policies', 'db.yaml'),
    `${head}target:\n  type: postgres\n  dsn_env: DB_DSN\n  user: "{subject}"\n  roles:\n${map(pgRole)}\n`,
  );
  const expected = new Map(); // role → members active at T0+2h
  for (const system of ['idp', 'db']) {
    mkdirSync(join(root, 'grants', system), { recursive: true });
    let n = 0;
    for (let i = 1; i <= USERS; i++) {
      for (let k = 0; k < 4; k++, n++) {
        const role = roleOf(i, k);
        const early = n % (GRANTS / EXPIRE_EARLY) === 0; // every 20th grant: 50 of 1,000
        const expires = T0 + (early ? 1 : 7) * HOUR;
        if (system === 'idp' && !early) {
          expected.set(role, [...(expected.get(role) ?? []), user(i)]);
        }
        writeFileSync(
          join(root, 'grants', system, `${user(i)}-${role}.yaml`),
          `requester: ${user(i)}\nrole: ${role}\njustification: Benchmark access for the quarter close.\nstarts_at: "${iso(T0 - HOUR)}"\nexpires_at: "${iso(expires)}"\n`,
        );
      }
    }
    if (n !== GRANTS) throw new Inconsistent(`generated ${n} grants, expected ${GRANTS}`);
  }
  return expected;
}

/** Bundles the CLI from src/ like scripts/build.mjs, into .tmp (dist/ is not touched). */
async function bundle() {
  const outfile = join(WORK, 'cli.js');
  await build({
    entryPoints: [join(REPO, 'src', 'cli', 'bin.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    banner: {
      js: "import { createRequire as __jitCreateRequire } from 'node:module'; const require = __jitCreateRequire(import.meta.url);",
    },
    legalComments: 'none',
    logLevel: 'warning',
    external: ['pg-native'],
  });
  return outfile;
}

/** Runs the CLI as a child process without blocking this process (it serves the SCIM server). */
function runCli(cli, args, env) {
  return new Promise((resolvePromise, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: REPO,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      resolvePromise({
        ms: Number(process.hrtime.bigint() - t0) / 1e6,
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

const PHASES = [
  { name: 'first', now: T0, added: GRANTS, removed: 0 },
  { name: 'steady', now: T0 + 60_000, added: 0, removed: 0 },
  { name: 'expire-5%', now: T0 + 2 * HOUR, added: 0, removed: EXPIRE_EARLY },
  { name: 'expire-all', now: T0 + 8 * HOUR, added: 0, removed: GRANTS - EXPIRE_EARLY },
];

export async function run({ runs = DEFAULT_RUNS, log = console.log } = {}) {
  mkdirSync(WORK, { recursive: true });
  const root = join(WORK, 'repo');
  const expected = writeRepo(root);
  log(`sync: bundling the CLI into ${WORK}`);
  const cli = await bundle();
  const support = (p) =>
    tsImport(pathToFileURL(join(REPO, 'test', 'support', p)).href, import.meta.url);
  const [{ startScimServer }, { startPostgres }, { startPgProxy }] = await Promise.all([
    support('scim-server.ts'),
    support('pg-cluster.ts'),
    support('pg-proxy.ts'),
  ]);
  log('sync: starting the SCIM server and a PostgreSQL cluster');
  const users = Array.from({ length: USERS }, (_, i) => `${user(i + 1)}@bench.example`);
  const scim = await startScimServer({ token: TOKEN, users, groups: ROLES.map(scimGroup) });
  const cluster = await startPostgres();
  const proxy = await startPgProxy(cluster.port);
  try {
    for (const r of ROLES) await cluster.query(`CREATE ROLE "${pgRole(r)}" NOLOGIN`);
    for (let i = 1; i <= USERS; i++) await cluster.query(`CREATE ROLE "${user(i)}" LOGIN`);
    const env = {
      IDP_SCIM_URL: scim.url,
      IDP_SCIM_TOKEN: TOKEN,
      DB_DSN: `postgres://postgres@127.0.0.1:${proxy.port}/postgres`,
    };
    const pgMembers = async () => {
      const rows = await cluster.query(
        `SELECT g.rolname AS g, count(*)::int AS n FROM pg_auth_members am
           JOIN pg_roles g ON g.oid = am.roleid WHERE g.rolname LIKE 'jit_bench_%' GROUP BY 1`,
      );
      return rows.reduce((n, r) => n + r.n, 0);
    };
    const scimMembers = () => ROLES.reduce((n, r) => n + scim.members(scimGroup(r)).length, 0);

    const samples = Object.fromEntries([...PHASES.map((p) => [p.name, []]), ['check', []]]);
    for (let c = 1; c <= runs; c++) {
      for (const phase of PHASES) {
        const scimBefore = scim.requests.length;
        const pgBefore = proxy.statements.length;
        const res = await runCli(
          cli,
          ['sync', '--json', '--root', root, '--now', iso(phase.now)],
          env,
        );
        if (res.code !== 0) {
          throw new Inconsistent(
            `jit sync (${phase.name}) exited ${res.code}\n${res.stderr.slice(0, 3000)}`,
          );
        }
        const doc = JSON.parse(res.stdout);
        const by = Object.fromEntries(doc.systems.map((s) => [s.system, s]));
        const seen = {
          scim: scim.requests.length - scimBefore,
          pg: proxy.statements.length - pgBefore,
          scimWrites: scim.requests.slice(scimBefore).filter((r) => r.method === 'PATCH').length,
          pgWrites: proxy.statements.slice(pgBefore).filter((s) => /^(GRANT|REVOKE)/.test(s))
            .length,
        };
        const problems = [];
        for (const [sys, key] of [
          ['idp', 'scim'],
          ['db', 'pg'],
        ]) {
          const s = by[sys];
          if (s.added !== phase.added || s.removed !== phase.removed || s.failed !== 0) {
            problems.push(
              `${sys}: added ${s.added}/${phase.added}, removed ${s.removed}/${phase.removed}, failed ${s.failed}`,
            );
          }
          if (s.requests !== seen[key]) {
            problems.push(
              `${sys}: jit sync reports ${s.requests} requests, the server saw ${seen[key]}`,
            );
          }
        }
        const want =
          phase.name === 'first' || phase.name === 'steady'
            ? GRANTS
            : phase.name === 'expire-5%'
              ? GRANTS - EXPIRE_EARLY
              : 0;
        const [sm, pm] = [scimMembers(), await pgMembers()];
        if (sm !== want || pm !== want)
          problems.push(`members after run: scim ${sm}, pg ${pm}, expected ${want} each`);
        if (phase.name === 'expire-5%') {
          const role = ROLES[0];
          const got = scim
            .members(scimGroup(role))
            .map((m) => m.split('@')[0])
            .sort();
          if (JSON.stringify(got) !== JSON.stringify([...(expected.get(role) ?? [])].sort())) {
            problems.push(`scim group ${scimGroup(role)} members differ from the active grants`);
          }
        }
        if (problems.length) throw new Inconsistent(`sync ${phase.name}: ${problems.join('; ')}`);
        samples[phase.name].push({ ms: res.ms, scimMs: by.idp.ms, pgMs: by.db.ms, ...seen });
        log(
          `sync: cycle ${c} ${phase.name.padEnd(10)} ${res.ms.toFixed(0).padStart(6)} ms  scim ${seen.scim} requests (${seen.scimWrites} writes) in ${by.idp.ms} ms  pg ${seen.pg} statements (${seen.pgWrites} writes) in ${by.db.ms} ms`,
        );
      }
      // Reference: reading and loading the same tree (2 policies, 2,000 grant files), no target.
      const check = await runCli(cli, ['check', '--root', root, '--now', iso(T0)], {});
      if (check.code !== 0)
        throw new Inconsistent(`jit check exited ${check.code}\n${check.stdout.slice(0, 2000)}`);
      samples.check.push({ ms: check.ms });
    }
    return summarize(samples, runs);
  } finally {
    await proxy.close();
    await cluster.stop();
    await scim.close();
  }
}

function summarize(samples, runs) {
  const med = (xs) => median(xs).toFixed(0);
  const rows = PHASES.map((p) => {
    const s = samples[p.name];
    const one = s[s.length - 1];
    return {
      phase: p.name,
      changes: `+${p.added} -${p.removed}`,
      median: med(s.map((x) => x.ms)),
      min: Math.min(...s.map((x) => x.ms)).toFixed(0),
      max: Math.max(...s.map((x) => x.ms)).toFixed(0),
      scimMs: med(s.map((x) => x.scimMs)),
      scim: one.scim,
      scimWrites: one.scimWrites,
      pgMs: med(s.map((x) => x.pgMs)),
      pg: one.pg,
      pgWrites: one.pgWrites,
      stable: s.every((x) => x.scim === one.scim && x.pg === one.pg),
    };
  });
  const checkMs = samples.check.map((x) => x.ms);
  const steady = rows.find((r) => r.phase === 'steady');
  const readBound = GROUPS + USERS; // one group read per group, one user read per distinct member
  return {
    part: 'sync',
    columns: [
      'phase',
      'changes/target',
      'wall ms',
      'min',
      'max',
      'SCIM ms',
      'SCIM req',
      'PATCH',
      'SQL ms',
      'SQL stmts',
      'GRANT/REVOKE',
      'runs',
    ],
    table: [
      ...rows.map((r) => [
        r.phase,
        r.changes,
        r.median,
        r.min,
        r.max,
        r.scimMs,
        String(r.scim),
        String(r.scimWrites),
        r.pgMs,
        String(r.pg),
        String(r.pgWrites),
        String(runs),
      ]),
      [
        'jit check (same tree)',
        '-',
        med(checkMs),
        Math.min(...checkMs).toFixed(0),
        Math.max(...checkMs).toFixed(0),
        '-',
        '-',
        '-',
        '-',
        '-',
        '-',
        String(runs),
      ],
    ],
    extra: [
      `${GRANTS} active grants per target over ${GROUPS} groups (${USERS} users x 4 roles, ${GRANTS / GROUPS} members per group). wall ms: the bundled CLI as a fresh process (node startup and loading 2,000 grant files included; 'jit check (same tree)' is that loading alone); SCIM ms / SQL ms: time spent talking to each target (from jit sync --json); requests as counted by the servers, equal to what jit sync --json reports.`,
    ],
    goals: [
      {
        goal: 'steady state writes nothing',
        value: `${steady.scimWrites} SCIM PATCH, ${steady.pgWrites} GRANT/REVOKE`,
        pass: steady.scimWrites === 0 && steady.pgWrites === 0,
      },
      {
        goal: `steady state reads at most one request per group and member (SCIM <= ${readBound}, SQL = 1)`,
        value: `SCIM ${steady.scim}, SQL ${steady.pg}`,
        pass: steady.scim <= readBound && steady.pg === 1,
      },
      {
        goal: 'request counts identical in every cycle',
        value: rows.every((r) => r.stable) ? 'yes' : 'no',
        pass: rows.every((r) => r.stable),
      },
    ],
    notes: [],
    data: { grants: GRANTS, groups: GROUPS, users: USERS, samples, rows },
  };
}

export { Inconsistent };

// Standalone: node bench/sync.mjs [--runs N]
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { runs: { type: 'string' } } });
  const result = await run({ runs: values.runs ? Number(values.runs) : DEFAULT_RUNS });
  for (const r of result.table) console.log(r.join('  '));
  for (const g of result.goals) console.log(`${g.pass ? 'PASS' : 'MISS'}  ${g.goal}: ${g.value}`);
}
