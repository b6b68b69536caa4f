// Generates a benchmark repository tree: the example policies/ (copied) and N grants spread
// over their systems and roles, every window valid at a fixed `now` and within the role caps,
// with planted findings: about 1% of the grants in an E_OVERLAP pair (same subject + system +
// role, overlapping windows) and about 1% in an E_SOD_CONFLICT pair (coupa/vendor-master-editor
// and netsuite/payment-releaser for the same subject, overlapping). Everything else is clean, so
// the expected findings are known exactly. Seeded PRNG: the same (n, seed) gives the same tree.
//
//   node bench/gen-grants.mjs --out DIR --n 1000 [--seed 1] [--now 2026-12-05T10:00:00Z]
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';

export const BENCH_NOW = '2026-12-05T10:00:00Z';
const MIN = 60_000;
const Q = 15 * MIN; // windows are on quarter hours

/** mulberry32: small, fast, good enough for test data, and identical on every platform. */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)); // inclusive
  const pick = (xs) => xs[Math.floor(next() * xs.length)];
  return { next, int, pick };
}

const parseSpan = (s) => {
  const m = /^(\d+)([mhd])$/.exec(String(s));
  if (!m) throw new Error(`bench: cannot read duration ${s}`);
  return Number(m[1]) * { m: MIN, h: 60 * MIN, d: 1440 * MIN }[m[2]];
};

/** The systems and roles of the policies, with the caps and requirements grants must meet. */
export function readPolicies(policiesDir) {
  const systems = [];
  for (const f of readdirSync(policiesDir).sort()) {
    if (!f.endsWith('.yaml')) continue;
    const p = parse(readFileSync(join(policiesDir, f), 'utf8'));
    const system = f.slice(0, -'.yaml'.length);
    const required = p.grant_schema?.required ?? [];
    for (const r of required) {
      if (r !== 'cost_center') throw new Error(`bench: no generator for ${system} field ${r}`);
    }
    systems.push({
      system,
      ticket: p.ticket ? new RegExp(p.ticket.pattern) : undefined,
      justificationMin: p.justification?.min_length ?? 1,
      maxStartDelay: parseSpan(p.max_start_delay ?? '7d'),
      costCenter: required.includes('cost_center'),
      roles: Object.entries(p.roles).map(([role, r]) => ({
        role,
        key: `${system}/${role}`,
        cap: parseSpan(r.max_duration ?? p.max_duration ?? '8h'),
        conflicts: (r.conflicts ?? []).map((c) => (c.includes('/') ? c : `${system}/${c}`)),
      })),
    });
  }
  return systems;
}

/** `system/role` → conflicting `system/role`s, declared on either side. */
function conflictIndex(systems) {
  const idx = new Map();
  const link = (a, b) => idx.set(a, (idx.get(a) ?? new Set()).add(b));
  for (const s of systems) {
    for (const r of s.roles) {
      for (const c of r.conflicts) {
        link(r.key, c);
        link(c, r.key);
      }
    }
  }
  return idx;
}

// Share of grants per system (by name; unknown systems share the rest evenly).
const WEIGHTS = {
  coupa: 0.35,
  netsuite: 0.25,
  'procurement-db': 0.25,
  'procurement-integrations': 0.15,
};

const VERBS = [
  'Approve the pending',
  'Review and release the',
  'Reconcile the',
  'Correct the',
  'Investigate the',
  'Prepare the',
  'Clear the backlog of',
  'Check the',
];
const OBJECTS = [
  'Q4 supplier invoices',
  'purchase orders over the delegated limit',
  'vendor bank detail changes',
  'payment proposals of the weekly run',
  'spend cube figures',
  'three-way match exceptions',
  'connector release notes',
  'duplicate vendor records',
];
const VENDORS = [
  'ACME Industrial',
  'Globex',
  'Initech',
  'Umbrella Supplies',
  'Stark Components',
  'Wayne Logistics',
  'Hooli Cloud',
  'Vandelay Imports',
];
const REASONS = [
  'while the regular approver is on leave this week',
  'before the month-end close deadline',
  'because the nightly sync failed and left records half updated',
  'as requested by the controller for the audit sample',
  'so that the supplier can be paid on time',
  'after the ERP upgrade changed the tolerance rules',
];

function justification(rnd, min) {
  let s = `${rnd.pick(VERBS)} ${rnd.pick(OBJECTS)} of vendor ${rnd.pick(VENDORS)} ${rnd.pick(REASONS)}.`;
  while (s.length < Math.max(90, min)) s += ` See the ticket for the list of documents.`;
  return s;
}

/** RFC 3339 with seconds, in UTC (`Z`) or at a numeric offset (same instant). */
function rfc3339(ms, offsetMin = 0) {
  const local = new Date(ms + offsetMin * MIN).toISOString().slice(0, 19);
  if (offsetMin === 0) return `${local}Z`;
  const a = Math.abs(offsetMin);
  const hh = String(Math.floor(a / 60)).padStart(2, '0');
  const mm = String(a % 60).padStart(2, '0');
  return `${local}${offsetMin < 0 ? '-' : '+'}${hh}:${mm}`;
}

/**
 * A window valid at `now` within the role cap (measured from max(now, starts_at)) and the
 * system's start delay: mostly active, some upcoming, some without starts_at.
 */
function window(rnd, now, cap, maxStartDelay) {
  const steps = (ms) => Math.max(1, Math.floor(ms / Q));
  const kind = rnd.next();
  if (kind < 0.1) {
    return { startsAt: undefined, expiresAt: now + Q * rnd.int(1, steps(cap)) };
  }
  if (kind < 0.25) {
    const start = now + Q * rnd.int(1, steps(Math.min(maxStartDelay, 2 * 1440 * MIN)));
    return { startsAt: start, expiresAt: start + Q * rnd.int(2, steps(cap)) };
  }
  const d = Q * rnd.int(2, steps(cap));
  const start = now - Q * rnd.int(0, d / Q - 1);
  return { startsAt: start, expiresAt: start + d };
}

function grantYaml(g) {
  const lines = ['# yaml-language-server: $schema=../../schemas/grant.schema.json'];
  lines.push(`requester: ${g.requester}`);
  if (g.subject !== g.requester) lines.push(`subject: ${g.subject}`);
  lines.push(`role: ${g.role}`);
  if (g.ticket) lines.push(`ticket: ${g.ticket}`);
  lines.push(`justification: ${g.justification}`);
  if (g.startsAt !== undefined) lines.push(`starts_at: "${rfc3339(g.startsAt, g.offset)}"`);
  lines.push(`expires_at: "${rfc3339(g.expiresAt, g.offset)}"`);
  if (g.costCenter) lines.push(`cost_center: ${g.costCenter}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Writes `root/policies/*.yaml` (copied from `policiesDir`) and `root/grants/<system>/*.yaml`.
 * Returns what was planted: the exact number of E_OVERLAP and E_SOD_CONFLICT findings
 * `jit check --now NOW` must report (one per grant file involved).
 */
export function generateTree({ root, n, seed = 1, now = BENCH_NOW, policiesDir = 'policies' }) {
  const nowMs = Date.parse(now);
  const rnd = prng(seed);
  const systems = readPolicies(policiesDir);
  const bySystem = new Map(systems.map((s) => [s.system, s]));
  const conflicts = conflictIndex(systems);
  const SOD = ['coupa/vendor-master-editor', 'netsuite/payment-releaser'];
  if (!conflicts.get(SOD[0])?.has(SOD[1])) {
    throw new Error(`bench: the policies no longer declare ${SOD[0]} in conflict with ${SOD[1]}`);
  }
  const roleOf = (key) => {
    const [sys, role] = key.split('/');
    const s = bySystem.get(sys);
    return { s, r: s.roles.find((x) => x.role === role) };
  };

  // 1 % of the grants in each kind of pair (at least one pair from 20 grants on).
  const pairs = n >= 20 ? Math.max(1, Math.round(n / 200)) : 0;
  const overlapPairs = pairs;
  const sodPairs = pairs;
  const baseCount = n - overlapPairs - 2 * sodPairs;

  const subjectCount = Math.max(50, Math.round(n / 3));
  const width = Math.max(4, String(subjectCount).length);
  const users = Array.from(
    { length: subjectCount },
    (_, i) => `user${String(i + 1).padStart(width, '0')}`,
  );

  const weighted = systems.map((s) => ({
    s,
    w:
      WEIGHTS[s.system] ?? (1 - Object.values(WEIGHTS).reduce((a, b) => a + b, 0)) / systems.length,
  }));
  const totalW = weighted.reduce((a, x) => a + x.w, 0);
  const pickSystem = () => {
    let x = rnd.next() * totalW;
    for (const { s, w } of weighted) {
      x -= w;
      if (x < 0) return s;
    }
    return weighted[weighted.length - 1].s;
  };

  const held = new Map(); // subject → Set of system/role
  const holds = (subject) => held.get(subject) ?? new Set();
  const clashes = (subject, key) => {
    const h = holds(subject);
    if (h.has(key)) return true;
    for (const c of conflicts.get(key) ?? []) if (h.has(c)) return true;
    return false;
  };
  const take = (subject, key) => held.set(subject, holds(subject).add(key));

  let ticketNo = 5000;
  const names = new Set();
  const grants = [];
  const make = (subject, s, r, win) => {
    const requester = rnd.next() < 0.2 ? rnd.pick(users) : subject;
    const ticket = s.ticket
      ? r.role === 'dba-break-glass' && s.ticket.test('INC-1')
        ? `INC-${++ticketNo}`
        : `PROC-${++ticketNo}`
      : undefined;
    if (ticket && !s.ticket.test(ticket)) throw new Error(`bench: ticket ${ticket} vs ${s.ticket}`);
    let name = `${subject}-${r.role}-${ticket ? ticket.toLowerCase() : rfc3339(win.startsAt ?? nowMs).slice(0, 10)}`;
    for (let k = 2; names.has(`${s.system}/${name}`); k++)
      name = `${name.replace(/-\d+$/, '')}-${k}`;
    names.add(`${s.system}/${name}`);
    const g = {
      path: `grants/${s.system}/${name}.yaml`,
      system: s.system,
      role: r.role,
      requester,
      subject,
      ticket,
      justification: justification(rnd, s.justificationMin),
      ...win,
      offset: rnd.next() < 0.1 ? rnd.pick([60, -300, 330]) : 0,
      costCenter: s.costCenter ? `CC-${String(rnd.int(1000, 9999))}` : undefined,
    };
    grants.push(g);
    take(subject, `${s.system}/${r.role}`);
    return g;
  };

  // Clean grants: no subject holds a role twice or two conflicting roles.
  for (let i = 0; i < baseCount; i++) {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 1000) throw new Error('bench: too few subjects for the grants');
      const s = pickSystem();
      const r = rnd.pick(s.roles);
      const subject = rnd.pick(users);
      if (clashes(subject, r.key)) continue;
      make(subject, s, r, window(rnd, nowMs, r.cap, s.maxStartDelay));
      break;
    }
  }

  // Overlaps: a second file for the same subject + system + role, starting inside the first
  // grant's remaining window.
  const used = new Set();
  for (let i = 0; i < overlapPairs; i++) {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 10000) throw new Error('bench: cannot plant an overlap');
      const g = grants[rnd.int(0, baseCount - 1)];
      if (used.has(g)) continue;
      const { s, r } = roleOf(`${g.system}/${g.role}`);
      const from = Math.max(nowMs, g.startsAt ?? nowMs);
      const room = Math.min(g.expiresAt, nowMs + s.maxStartDelay) - from;
      if (room < 2 * Q) continue;
      const start = from + Q * rnd.int(1, room / Q - 1);
      const expiresAt = start + Q * rnd.int(2, Math.max(2, Math.floor(r.cap / Q)));
      used.add(g);
      used.add(make(g.subject, s, r, { startsAt: start, expiresAt }));
      break;
    }
  }

  // Separation of duties: both roles for a subject holding neither (nor anything in conflict
  // with either), overlapping windows.
  const [vme, pr] = SOD.map(roleOf);
  for (let i = 0; i < sodPairs; i++) {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 10000) throw new Error('bench: cannot plant a conflict');
      const subject = rnd.pick(users);
      if (clashes(subject, SOD[0]) || clashes(subject, SOD[1])) continue;
      const a = window(rnd, nowMs, vme.r.cap, vme.s.maxStartDelay);
      const from = Math.max(nowMs, a.startsAt ?? nowMs);
      const start = from + Q * rnd.int(0, (a.expiresAt - from) / Q - 1);
      const b = { startsAt: start, expiresAt: start + Q * rnd.int(2, pr.r.cap / Q) };
      make(subject, vme.s, vme.r, a);
      make(subject, pr.s, pr.r, b);
      break;
    }
  }

  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'policies'), { recursive: true });
  for (const s of systems) {
    copyFileSync(join(policiesDir, `${s.system}.yaml`), join(root, 'policies', `${s.system}.yaml`));
    mkdirSync(join(root, 'grants', s.system), { recursive: true });
  }
  let bytes = 0;
  for (const g of grants) {
    const text = grantYaml(g);
    bytes += Buffer.byteLength(text);
    writeFileSync(join(root, g.path), text);
  }
  return {
    root,
    grants: grants.length,
    policies: systems.length,
    subjects: new Set(grants.map((g) => g.subject)).size,
    bytes,
    expected: { E_OVERLAP: 2 * overlapPairs, E_SOD_CONFLICT: 2 * sodPairs },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      n: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '1' },
      now: { type: 'string', default: BENCH_NOW },
    },
  });
  if (!values.out) {
    console.error('usage: node bench/gen-grants.mjs --out DIR --n N [--seed S] [--now RFC3339]');
    process.exit(2);
  }
  const r = generateTree({
    root: values.out,
    n: Number(values.n),
    seed: Number(values.seed),
    now: values.now,
  });
  console.log(JSON.stringify(r, null, 2));
}
