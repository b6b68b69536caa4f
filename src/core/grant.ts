import { type Finding, finding } from './codes.js';
import { decodeFile } from './load/decode.js';
import { parseStrictYaml } from './load/yaml-strict.js';
import type { Grant, Policy } from './model.js';
import { parseGrantPath } from './paths.js';
import { fail, ok, type Result } from './result.js';
import { describeSchemaErrors } from './schema/ajv.js';
import { parseInstant } from './time.js';
import { isSymlinkMode, type RepoFile, type Tree } from './tree.js';

export const GRANT_MAX_BYTES = 16 * 1024;
export const GRANT_MAX_DEPTH = 8;

/** What a grant's system resolves to: a loaded policy, or the findings that made it invalid. */
export type PolicyLookup = (system: string) => Result<Policy> | undefined;

/**
 * Loads one grant file as data: path, symlink, size, encoding, strict YAML with every scalar a
 * string, the system's policy, the combined schema (shipped grant schema + grant_schema, unknown
 * keys refused), the role, and the times. Time-dependent and cross-grant rules are elsewhere.
 */
export function loadGrant(file: RepoFile, policies: PolicyLookup): Result<Grant> {
  const { path } = file;
  const where = parseGrantPath(path);
  if (!where.ok) return fail(where.error);
  if (isSymlinkMode(file.mode)) {
    return fail(
      finding(
        'E_SYMLINK',
        `${path}: grant files may not be symbolic links; commit the YAML file itself.`,
        { path },
      ),
    );
  }
  const text = decodeFile(file.bytes, path, GRANT_MAX_BYTES);
  if (!text.ok) return text;
  const parsed = parseStrictYaml(text.value, {
    schema: 'failsafe',
    maxDepth: GRANT_MAX_DEPTH,
    path,
  });
  if (!parsed.ok) return parsed;
  const raw = parsed.value;
  const { system, name } = where.value;

  const policy = policies(system);
  if (!policy) {
    return fail(
      finding(
        'E_UNKNOWN_SYSTEM',
        `${path}: there is no policies/${system}.yaml, so system "${system}" does not exist. Move the grant under an existing system folder.`,
        { path },
      ),
    );
  }
  if (!policy.ok) {
    return fail(
      finding(
        'E_POLICY_INVALID',
        `${path}: the policy policies/${system}.yaml is invalid (${policy.errors.length} problem(s), see its own errors), so every grant of ${system} is denied until it is fixed.`,
        { path },
      ),
    );
  }
  const p = policy.value;
  if (!p.grantValidator(raw)) {
    return fail(
      ...describeSchemaErrors(p.grantValidator.errors).map(
        ({ field, problem }) =>
          timeFormatFinding(path, field, raw[field]) ??
          finding(
            'E_SCHEMA',
            `${path}: ${field || '(top level)'} ${problem}${hint(raw, field, problem, p)}`,
            { path, field },
          ),
      ),
    );
  }
  const fields = raw as Record<string, string>;
  const role = fields.role!;
  if (!p.roles.has(role)) {
    return fail(
      finding(
        'E_UNKNOWN_ROLE',
        `${path}: role "${role}" is not a role of policies/${system}.yaml; use one of ${[...p.roles.keys()].join(', ')}.`,
        { path, field: 'role' },
      ),
    );
  }
  const errors: Finding[] = [];
  const time = (key: 'starts_at' | 'expires_at'): number | undefined => {
    const v = fields[key];
    if (v === undefined) return undefined;
    const t = parseInstant(v);
    if (t.ok) return t.ms;
    errors.push(finding('E_TIME_FORMAT', `${path}: ${key} "${v}" ${t.why}.`, { path, field: key }));
    return undefined;
  };
  const startsAt = time('starts_at');
  const expiresAt = time('expires_at');
  if (errors.length > 0) return { ok: false, errors };
  return ok({
    path,
    system,
    name,
    requester: fields.requester!,
    subject: fields.subject ?? fields.requester!,
    role,
    ...(fields.ticket !== undefined ? { ticket: fields.ticket } : {}),
    justification: fields.justification!,
    ...(startsAt !== undefined ? { startsAt } : {}),
    expiresAt: expiresAt!,
    fields,
  });
}

/** A time field that is a string but not RFC 3339 is E_TIME_FORMAT, not a generic schema error. */
function timeFormatFinding(path: string, field: string, value: unknown): Finding | undefined {
  if ((field !== 'starts_at' && field !== 'expires_at') || typeof value !== 'string')
    return undefined;
  const t = parseInstant(value);
  if (t.ok) return undefined;
  return finding('E_TIME_FORMAT', `${path}: ${field} "${value}" ${t.why}.`, { path, field });
}

function hint(raw: Record<string, unknown>, field: string, problem: string, p: Policy): string {
  if (problem === 'is not an allowed key') {
    const extra = p.grantSchemaKeys.length
      ? `, plus ${p.grantSchemaKeys.join(', ')} from policies/${p.system}.yaml grant_schema`
      : '';
    return `; allowed keys are requester, subject, role, ticket, justification, starts_at, expires_at${extra}. Remove it or ask the policy owners to declare it.`;
  }
  const v = field && !field.includes('.') ? raw[field] : undefined;
  const shown =
    typeof v === 'string' ? ` (value "${v.length > 80 ? `${v.slice(0, 80)}…` : v}")` : '';
  return `${shown}. Fix ${field || 'the file'}.`;
}

/**
 * Loads every file under `grants/` of a tree (those `include` accepts): the grants that load, and
 * for each file that does not, its findings. The one loop `jit check`, `jit status`, sync and
 * the gate's view of the base branch share.
 */
export function loadGrants(
  tree: Tree,
  policies: PolicyLookup,
  include: (path: string) => boolean = () => true,
): { grants: Grant[]; failed: Array<{ path: string; errors: Finding[] }> } {
  const grants: Grant[] = [];
  const failed: Array<{ path: string; errors: Finding[] }> = [];
  for (const file of tree.values()) {
    if (!file.path.startsWith('grants/') || !include(file.path)) continue;
    const r = loadGrant(file, policies);
    if (r.ok) grants.push(r.value);
    else failed.push({ path: file.path, errors: r.errors });
  }
  return { grants, failed };
}
