import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkTree } from '../../core/check.js';
import { locateCodeowners, ownersFor, parseCodeowners } from '../../core/codeowners.js';
import type { Finding } from '../../core/codes.js';
import { loginKey, type RoleSettings, STANDARD_GRANT_FIELDS } from '../../core/model.js';
import { loadPolicies } from '../../core/policies.js';
import { draftGrant, type GrantDraft, type GrantRequest } from '../../core/request.js';
import { isTeam } from '../../core/rules/single.js';
import { formatInstant, parseDuration, parseInstant } from '../../core/time.js';
import type { Tree } from '../../core/tree.js';
import { readTree } from '../../fs/read-tree.js';
import { type CliIO, EXIT, UsageError } from '../io.js';
import { COMMON, clock, parse, rootDir } from '../options.js';

export const REQUEST_HELP = `jit request --system S --role R --for DURATION --justification TEXT
            [--subject LOGIN] [--requester LOGIN] [--ticket T] [--start RFC3339]
            [--field key=value ...] [--dry-run] [--json] [--now RFC3339] [--root DIR]

Writes grants/<system>/<subject>-<role>-<ticket>.yaml (or …-<start date>.yaml without a ticket;
-2, -3, … when the name is taken), after validating it exactly as \`jit check\` would, and prints
it with the next steps. expires_at is max(now, --start) plus --for (<n>m, <n>h or <n>d).
--requester defaults to $JIT_REQUESTER, then \`git config github.user\`. --field sets a field the
policy's grant_schema declares (e.g. --field cost_center=CC-1234).
Exit: 0 written (or printed with --dry-run), 1 the grant would be refused (nothing written),
2 bad usage.`;

const OPTIONS = {
  ...COMMON,
  system: { type: 'string' },
  role: { type: 'string' },
  for: { type: 'string' },
  subject: { type: 'string' },
  requester: { type: 'string' },
  ticket: { type: 'string' },
  justification: { type: 'string' },
  start: { type: 'string' },
  field: { type: 'string', multiple: true },
  'dry-run': { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parse<typeof OPTIONS>>['values'];

export function requestCommand(args: string[], io: CliIO): number {
  const { values } = parse('request', args, OPTIONS);
  if (values.help) {
    io.out(REQUEST_HELP);
    return EXIT.ok;
  }
  const now = clock(io, values.now);
  const root = rootDir(io, values.root);
  const req = readRequest(values, io, root, now);
  const tree = readTree(root);
  const draft = draftGrant(req, (p) => tree.has(p) || existsSync(join(root, p)));

  const findings = validateDraft(tree, draft, now);
  if (findings.mine.length > 0) return refuse(io, draft, findings.mine, values.json === true);

  const dryRun = values['dry-run'] === true;
  if (!dryRun) {
    const abs = join(root, draft.path);
    mkdirSync(dirname(abs), { recursive: true });
    // `wx`: never overwrite, even if the file appeared after the name was chosen.
    writeFileSync(abs, draft.content, { encoding: 'utf8', flag: 'wx' });
  }
  // The draft passed checkTree, so its system has a valid policy with this role.
  const role = policyRole(tree, req.system, req.role)!;
  const owners = codeOwners(tree, draft.path);
  if (values.json) {
    const { approvers, approvals } = role;
    const doc = { path: draft.path, content: draft.content, approvers, approvals };
    io.out(JSON.stringify({ ...doc, code_owners: owners, written: !dryRun }, null, 2));
    return EXIT.ok;
  }
  io.out(dryRun ? `Would write ${draft.path} (dry run: nothing written):` : `Wrote ${draft.path}:`);
  io.out('');
  io.out(draft.content.trimEnd());
  io.out('');
  io.out(nextSteps(draft, req, role, owners).join('\n'));
  if (findings.others > 0) {
    io.out(
      `note     the tree has ${findings.others} other error(s) unrelated to this request; \`jit check\` lists them.`,
    );
  }
  return EXIT.ok;
}

/** The command line as a request; anything malformed is a usage error (exit 2). */
function readRequest(values: Values, io: CliIO, root: string, now: number): GrantRequest {
  const need = (name: 'system' | 'role' | 'for' | 'justification', example: string): string => {
    const v = values[name];
    if (v === undefined || v.trim() === '') {
      throw new UsageError(`jit request: --${name} is required, e.g. --${name} ${example}.`);
    }
    return v;
  };
  const system = need('system', 'coupa');
  const role = need('role', 'invoice-approver');
  const forText = need('for', '4h');
  const justification = need('justification', '"Approve the Q4 invoices of vendor ACME"');
  const durationMs = parseDuration(forText);
  if (durationMs === undefined) {
    throw new UsageError(
      `jit request: --for "${forText}" is not a duration; use <n>m, <n>h or <n>d, e.g. --for 4h.`,
    );
  }
  let start: number | undefined;
  if (values.start !== undefined) {
    const t = parseInstant(values.start);
    if (!t.ok) throw new UsageError(`jit request: --start "${values.start}" ${t.why}.`);
    start = t.ms;
  }
  const fields = parseFields(values.field ?? []);
  return {
    system,
    role,
    requester: resolveRequester(io, root, values.requester),
    ...(values.subject !== undefined ? { subject: values.subject } : {}),
    ...(values.ticket !== undefined ? { ticket: values.ticket } : {}),
    justification,
    ...(start !== undefined ? { start } : {}),
    durationMs,
    fields,
    now,
  };
}

/** `--field key=value` pairs; the standard fields have their own options. */
function parseFields(list: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0) {
      throw new UsageError(
        `jit request: --field "${item}" is not key=value; write e.g. --field cost_center=CC-1234.`,
      );
    }
    const key = item.slice(0, eq);
    if ((STANDARD_GRANT_FIELDS as readonly string[]).includes(key)) {
      const option = key === 'starts_at' ? 'start' : key === 'expires_at' ? 'for' : key;
      throw new UsageError(`jit request: --field ${key}=… is a standard field; use --${option}.`);
    }
    if (out.some(([k]) => k === key)) {
      throw new UsageError(`jit request: --field ${key} is given twice; give it once.`);
    }
    out.push([key, item.slice(eq + 1)]);
  }
  return out;
}

/**
 * Who is asking: --requester, then JIT_REQUESTER, then `git config github.user`. Never the OS
 * user: the requester must be the GitHub login that authors the pull request, and a wrong guess
 * only surfaces later as E_REQUESTER_MISMATCH.
 */
function resolveRequester(io: CliIO, root: string, flag: string | undefined): string {
  const given = flag ?? io.env.JIT_REQUESTER;
  if (given !== undefined && given.trim() !== '') return given.trim();
  const fromGit = gitConfigUser(io, root);
  if (fromGit) return fromGit;
  throw new UsageError(
    'jit request: who is asking? Pass --requester <your GitHub login>, set JIT_REQUESTER, or run `git config github.user <login>`; the requester must be the author of the pull request.',
  );
}

function gitConfigUser(io: CliIO, root: string): string | undefined {
  try {
    const out = execFileSync('git', ['config', '--get', 'github.user'], {
      cwd: root,
      env: io.env as NodeJS.ProcessEnv,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5_000,
    });
    return out.trim() || undefined;
  } catch {
    return undefined; // not set, not a repository, or no git: fall through to the usage error
  }
}

/**
 * The same checks as `jit check` on the tree plus the new file. Findings about the new file
 * refuse it; findings about other files were there before and are only counted.
 */
function validateDraft(
  tree: Tree,
  draft: GrantDraft,
  now: number,
): { mine: Finding[]; others: number } {
  const candidate: Tree = new Map(tree);
  candidate.set(draft.path, {
    path: draft.path,
    bytes: new TextEncoder().encode(draft.content),
    mode: '100644',
  });
  const report = checkTree(candidate, now);
  const mine = report.errors.filter((f) => f.path === draft.path);
  return { mine, others: report.errors.length - mine.length };
}

function refuse(io: CliIO, draft: GrantDraft, errors: Finding[], json: boolean): number {
  if (json) {
    io.out(
      JSON.stringify(
        {
          path: draft.path,
          content: draft.content,
          errors: errors.map((f) => ({ code: f.code, message: f.message, path: f.path })),
          written: false,
        },
        null,
        2,
      ),
    );
  } else {
    for (const f of errors) io.out(`error    ${f.code.padEnd(20)} ${f.message}`);
    io.out(`Refused: ${draft.path} would not pass \`jit check\`; nothing was written.`);
  }
  return EXIT.findings;
}

function policyRole(tree: Tree, system: string, role: string): RoleSettings | undefined {
  const policy = loadPolicies(tree).get(system);
  return policy?.ok ? policy.value.roles.get(role) : undefined;
}

/** Owners GitHub would request for the new file, from the tree's CODEOWNERS. */
function codeOwners(tree: Tree, path: string): string[] {
  const decoder = new TextDecoder();
  const found = locateCodeowners((p) => {
    const f = tree.get(p);
    return f ? decoder.decode(f.bytes) : undefined;
  });
  if (!found) return [];
  return ownersFor(parseCodeowners(found.text, found.path).rules, path).owners;
}

function nextSteps(
  draft: GrantDraft,
  req: GrantRequest,
  role: RoleSettings,
  owners: string[],
): string[] {
  const branch = `jit/${draft.path.slice('grants/'.length, -'.yaml'.length)}`;
  const until = formatInstant(draft.expiresAt);
  const who = { ...req, subject: req.subject ?? req.requester };
  const others =
    who.subject === who.requester ? who.requester : `${who.requester} and ${who.subject}`;
  const approval =
    role.approvals === 0
      ? `no approvals by policy ${who.system} role ${who.role} (self-service)`
      : `${role.approvals} approval(s) from ${role.approvers.join(', ')} (reviewers other than ${others})`;
  const codeowner =
    owners.length > 0
      ? `, plus one code owner of the file (${owners.join(', ')})`
      : ', and no code owner';
  const lines = [
    'Next steps:',
    `  git switch -c ${branch}`,
    `  git add ${draft.path}`,
    `  git commit -m "Request ${who.system}/${who.role} for ${who.subject} until ${until}"`,
    `  git push -u origin ${branch}`,
    `  then open a pull request from ${branch} as ${who.requester} (e.g. gh pr create --fill).`,
    '',
    `Approval: ${approval}${codeowner}.`,
  ];
  const teams = role.requesters?.filter(isTeam) ?? [];
  const listed = role.requesters?.some((r) => !isTeam(r) && loginKey(r) === loginKey(who.subject));
  if (teams.length > 0 && !listed) {
    lines.push(
      `Eligibility: ${who.subject} must be an active member of ${teams.join(' or ')}; the gate verifies it on the pull request.`,
    );
  }
  return lines;
}
