import { type Finding, finding } from './codes.js';
import { decodeFile } from './load/decode.js';
import { parseStrictYaml, type YamlValue } from './load/yaml-strict.js';
import type { Policy, RoleSettings, TargetSettings } from './model.js';
import { policySystem } from './paths.js';
import { compileLinear } from './regex.js';
import { fail, ok, type Result } from './result.js';
import { compileGrantValidator, describeSchemaErrors, policyValidator } from './schema/ajv.js';
import { parseDuration } from './time.js';
import type { RepoFile } from './tree.js';

export const POLICY_MAX_BYTES = 256 * 1024;
export const POLICY_MAX_DEPTH = 32;
const DEFAULT_MAX_START_DELAY = '7d';
const TARGET_BRANCH = ['scim', 'github-team', 'postgres', 'webhook'];

type Raw = { [k: string]: YamlValue };

/**
 * Loads `policies/<system>.yaml`: strict YAML (core schema), the shipped policy JSON Schema,
 * RE2 compilation of every pattern, and the `grant_schema` compiled in strict Ajv. Any problem
 * is E_POLICY_INVALID (or the loader's own E_YAML/E_ENCODING/E_TOO_LARGE): the caller denies
 * every grant of the system. Cross-policy checks (conflicts naming other systems) are in
 * `loadPolicies`.
 */
export function loadPolicy(file: RepoFile): Result<Policy> {
  const { path } = file;
  const system = policySystem(path);
  if (!system) {
    return fail(
      finding(
        'E_PATH',
        `${path}: policy files are policies/<system>.yaml with a lower-case system id (a-z, 0-9, '-').`,
        { path },
      ),
    );
  }
  if (file.mode === '120000') {
    return fail(
      finding(
        'E_SYMLINK',
        `${path}: policy files may not be symbolic links; commit the file itself.`,
        { path },
      ),
    );
  }
  const text = decodeFile(file.bytes, path, POLICY_MAX_BYTES);
  if (!text.ok) return text;
  const parsed = parseStrictYaml(text.value, { schema: 'core', maxDepth: POLICY_MAX_DEPTH, path });
  if (!parsed.ok) return parsed;
  const raw = parsed.value;

  const validate = policyValidator();
  if (!validate(parsed.value as unknown)) {
    const type = (raw.target as Raw | undefined)?.type;
    const branch = TARGET_BRANCH.indexOf(String(type));
    const errors = (validate.errors ?? []).filter((e) => {
      const m = /\/target\/oneOf\/(\d+)\//.exec(e.schemaPath);
      return !m || Number(m[1]) === branch;
    });
    return fail(
      ...describeSchemaErrors(errors).map(({ field, problem }) =>
        invalid(
          path,
          `${field || '(top level)'} ${problem}${valueHint(raw, field)}. See schemas/policy.schema.json.`,
          field,
        ),
      ),
    );
  }

  const errors: Finding[] = [];
  const roles = new Map<string, RoleSettings>();
  for (const [name, roleRaw] of Object.entries(raw.roles as Raw)) {
    const role = buildRole(system, path, name, raw, (roleRaw ?? {}) as Raw, errors);
    if (role) roles.set(name, role);
  }

  let grantValidator: Policy['grantValidator'] | undefined;
  const extra = raw.grant_schema as Raw | undefined;
  try {
    grantValidator = compileGrantValidator(extra);
  } catch (e) {
    errors.push(
      invalid(
        path,
        `grant_schema is not a valid strict JSON Schema: ${(e as Error).message}. Fix grant_schema.`,
        'grant_schema',
      ),
    );
  }
  const target = buildTarget(raw.target as Raw | undefined, roles, path, errors);
  if (errors.length > 0 || !grantValidator) return { ok: false, errors };

  const props = (extra?.properties ?? {}) as Raw;
  return ok({
    system,
    path,
    ...(typeof raw.description === 'string' ? { description: raw.description } : {}),
    roles,
    grantValidator,
    grantSchemaKeys: Object.keys(props),
    ...(target ? { target } : {}),
  });
}

function buildRole(
  system: string,
  path: string,
  name: string,
  raw: Raw,
  r: Raw,
  errors: Finding[],
): RoleSettings | undefined {
  const pick = <T>(key: string): T | undefined =>
    (r[key] !== undefined ? r[key] : raw[key]) as T | undefined;
  const field = (key: string) => (r[key] !== undefined ? `roles.${name}.${key}` : key);
  const maxDurationText = pick<string>('max_duration');
  if (maxDurationText === undefined) {
    errors.push(
      invalid(
        path,
        `role ${name} has no max_duration (set max_duration on the policy or the role, e.g. 8h).`,
        `roles.${name}.max_duration`,
      ),
    );
    return undefined;
  }
  const maxStartDelayText = pick<string>('max_start_delay') ?? DEFAULT_MAX_START_DELAY;
  const approvers = pick<string[]>('approvers') ?? [];
  const approvals = pick<number>('approvals') ?? 1;
  if (approvals > 0 && approvers.length === 0) {
    errors.push(
      invalid(
        path,
        `role ${name} needs ${approvals} approval(s) but names no approvers; add approvers to the role or the policy.`,
        field('approvers'),
      ),
    );
  }
  let ticket: RoleSettings['ticket'];
  const ticketRaw = pick<{ pattern: string }>('ticket');
  if (ticketRaw) {
    const re = compileLinear(ticketRaw.pattern);
    if (!re.ok) {
      errors.push(
        invalid(
          path,
          `${field('ticket')}.pattern ${JSON.stringify(ticketRaw.pattern)} is not a valid RE2 regular expression (${re.why}). Rewrite it without backreferences or lookaround.`,
          `${field('ticket')}.pattern`,
        ),
      );
    } else {
      ticket = { pattern: ticketRaw.pattern, re: re.re };
    }
  }
  const conflicts = ((r.conflicts as string[] | undefined) ?? []).map((c) =>
    c.includes('/') ? c : `${system}/${c}`,
  );
  return {
    name,
    ...(typeof r.description === 'string' ? { description: r.description } : {}),
    ...(pick<string[]>('requesters') ? { requesters: pick<string[]>('requesters')! } : {}),
    approvers,
    approvals,
    maxDurationMs: parseDuration(maxDurationText)!,
    maxDurationText,
    maxStartDelayMs: parseDuration(maxStartDelayText)!,
    maxStartDelayText,
    ...(ticket ? { ticket } : {}),
    justificationMinLength: pick<{ min_length?: number }>('justification')?.min_length ?? 0,
    conflicts,
  };
}

function buildTarget(
  t: Raw | undefined,
  roles: Map<string, RoleSettings>,
  path: string,
  errors: Finding[],
): TargetSettings | undefined {
  if (!t) return undefined;
  const type = t.type as TargetSettings['type'];
  const mapKey = type === 'github-team' ? 'teams' : type === 'postgres' ? 'roles' : 'groups';
  const mapping = t[mapKey] as Record<string, string>;
  for (const role of Object.keys(mapping)) {
    if (!roles.has(role)) {
      errors.push(
        invalid(
          path,
          `target.${mapKey}.${role} maps a role that is not declared under roles; declare it or remove the mapping.`,
          `target.${mapKey}.${role}`,
        ),
      );
    }
  }
  const targets = Object.values(mapping);
  const dup = targets.find((g, i) => targets.indexOf(g) !== i);
  if (dup !== undefined) {
    errors.push(
      invalid(
        path,
        `target.${mapKey} maps two roles to the same group "${dup}"; each role needs its own group so removals stay exact.`,
        `target.${mapKey}`,
      ),
    );
  }
  return {
    type,
    mapping,
    user: (t.user as string | undefined) ?? '{subject}',
    preserve: (t.preserve as string[] | undefined) ?? [],
    settings: t as Record<string, unknown>,
  };
}

function invalid(path: string, what: string, field?: string): Finding {
  return finding('E_POLICY_INVALID', `${path}: ${what}`, field ? { path, field } : { path });
}

function valueHint(raw: Raw, field: string): string {
  if (!field) return '';
  let v: unknown = raw;
  for (const k of field.split('.')) v = v && typeof v === 'object' ? (v as Raw)[k] : undefined;
  return v === undefined || typeof v === 'object' ? '' : ` (value ${JSON.stringify(v)})`;
}
