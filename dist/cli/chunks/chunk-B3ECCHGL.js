import { createRequire as __jitCreateRequire } from 'node:module'; const require = __jitCreateRequire(import.meta.url);
import {
  compileGrantValidator,
  compileLinear,
  decodeFile,
  describeSchemaErrors,
  fail,
  finding,
  ok,
  parseDuration,
  parseStrictYaml,
  policySystem,
  policyValidator
} from "./chunk-A3BRDDDL.js";

// src/core/policy.ts
var POLICY_MAX_BYTES = 256 * 1024;
var POLICY_MAX_DEPTH = 32;
var DEFAULT_MAX_START_DELAY = "7d";
var TARGET_BRANCH = ["scim", "github-team", "postgres", "webhook"];
function loadPolicy(file) {
  const { path } = file;
  const system = policySystem(path);
  if (!system) {
    return fail(
      finding(
        "E_PATH",
        `${path}: policy files are policies/<system>.yaml with a lower-case system id (a-z, 0-9, '-').`,
        { path }
      )
    );
  }
  if (file.mode === "120000") {
    return fail(
      finding(
        "E_SYMLINK",
        `${path}: policy files may not be symbolic links; commit the file itself.`,
        { path }
      )
    );
  }
  const text = decodeFile(file.bytes, path, POLICY_MAX_BYTES);
  if (!text.ok) return text;
  const parsed = parseStrictYaml(text.value, { schema: "core", maxDepth: POLICY_MAX_DEPTH, path });
  if (!parsed.ok) return parsed;
  const raw = parsed.value;
  const validate = policyValidator();
  if (!validate(parsed.value)) {
    const type = raw.target?.type;
    const branch = TARGET_BRANCH.indexOf(String(type));
    const errors2 = (validate.errors ?? []).filter((e) => {
      const m = /\/target\/oneOf\/(\d+)\//.exec(e.schemaPath);
      return !m || Number(m[1]) === branch;
    });
    return fail(
      ...describeSchemaErrors(errors2).map(
        ({ field, problem }) => invalid(
          path,
          `${field || "(top level)"} ${problem}${valueHint(raw, field)}. See schemas/policy.schema.json.`,
          field
        )
      )
    );
  }
  const errors = [];
  const roles = /* @__PURE__ */ new Map();
  for (const [name, roleRaw] of Object.entries(raw.roles)) {
    const role = buildRole(system, path, name, raw, roleRaw ?? {}, errors);
    if (role) roles.set(name, role);
  }
  let grantValidator;
  const extra = raw.grant_schema;
  try {
    grantValidator = compileGrantValidator(extra);
  } catch (e) {
    errors.push(
      invalid(
        path,
        `grant_schema is not a valid strict JSON Schema: ${e.message}. Fix grant_schema.`,
        "grant_schema"
      )
    );
  }
  const target = buildTarget(raw.target, roles, path, errors);
  if (errors.length > 0 || !grantValidator) return { ok: false, errors };
  const props = extra?.properties ?? {};
  return ok({
    system,
    path,
    ...typeof raw.description === "string" ? { description: raw.description } : {},
    roles,
    grantValidator,
    grantSchemaKeys: Object.keys(props),
    ...target ? { target } : {}
  });
}
function buildRole(system, path, name, raw, r, errors) {
  const pick = (key) => r[key] !== void 0 ? r[key] : raw[key];
  const field = (key) => r[key] !== void 0 ? `roles.${name}.${key}` : key;
  const maxDurationText = pick("max_duration");
  if (maxDurationText === void 0) {
    errors.push(
      invalid(
        path,
        `role ${name} has no max_duration (set max_duration on the policy or the role, e.g. 8h).`,
        `roles.${name}.max_duration`
      )
    );
    return void 0;
  }
  const maxStartDelayText = pick("max_start_delay") ?? DEFAULT_MAX_START_DELAY;
  const approvers = pick("approvers") ?? [];
  const approvals = pick("approvals") ?? 1;
  if (approvals > 0 && approvers.length === 0) {
    errors.push(
      invalid(
        path,
        `role ${name} needs ${approvals} approval(s) but names no approvers; add approvers to the role or the policy.`,
        field("approvers")
      )
    );
  }
  let ticket;
  const ticketRaw = pick("ticket");
  if (ticketRaw) {
    const re = compileLinear(ticketRaw.pattern);
    if (!re.ok) {
      errors.push(
        invalid(
          path,
          `${field("ticket")}.pattern ${JSON.stringify(ticketRaw.pattern)} is not a valid RE2 regular expression (${re.why}). Rewrite it without backreferences or lookaround.`,
          `${field("ticket")}.pattern`
        )
      );
    } else {
      ticket = { pattern: ticketRaw.pattern, re: re.re };
    }
  }
  const conflicts = (r.conflicts ?? []).map(
    (c) => c.includes("/") ? c : `${system}/${c}`
  );
  return {
    name,
    ...typeof r.description === "string" ? { description: r.description } : {},
    ...pick("requesters") ? { requesters: pick("requesters") } : {},
    approvers,
    approvals,
    maxDurationMs: parseDuration(maxDurationText),
    maxDurationText,
    maxStartDelayMs: parseDuration(maxStartDelayText),
    maxStartDelayText,
    ...ticket ? { ticket } : {},
    justificationMinLength: pick("justification")?.min_length ?? 0,
    conflicts
  };
}
function buildTarget(t, roles, path, errors) {
  if (!t) return void 0;
  const type = t.type;
  const mapKey = type === "github-team" ? "teams" : type === "postgres" ? "roles" : "groups";
  const mapping = t[mapKey];
  for (const role of Object.keys(mapping)) {
    if (!roles.has(role)) {
      errors.push(
        invalid(
          path,
          `target.${mapKey}.${role} maps a role that is not declared under roles; declare it or remove the mapping.`,
          `target.${mapKey}.${role}`
        )
      );
    }
  }
  const targets = Object.values(mapping);
  const dup = targets.find((g, i) => targets.indexOf(g) !== i);
  if (dup !== void 0) {
    errors.push(
      invalid(
        path,
        `target.${mapKey} maps two roles to the same group "${dup}"; each role needs its own group so removals stay exact.`,
        `target.${mapKey}`
      )
    );
  }
  return {
    type,
    mapping,
    user: t.user ?? "{subject}",
    preserve: t.preserve ?? [],
    settings: t
  };
}
function invalid(path, what, field) {
  return finding("E_POLICY_INVALID", `${path}: ${what}`, field ? { path, field } : { path });
}
function valueHint(raw, field) {
  if (!field) return "";
  let v = raw;
  for (const k of field.split(".")) v = v && typeof v === "object" ? v[k] : void 0;
  return v === void 0 || typeof v === "object" ? "" : ` (value ${JSON.stringify(v)})`;
}

// src/core/policies.ts
function loadPolicies(tree) {
  const out = /* @__PURE__ */ new Map();
  for (const file of tree.values()) {
    if (!file.path.startsWith("policies/")) continue;
    const r = loadPolicy(file);
    const system = r.ok ? r.value.system : /^policies\/([^/]+)\.yaml$/.exec(file.path)?.[1];
    out.set(system ?? file.path, r);
  }
  for (const [system, r] of out) {
    if (!r.ok) continue;
    const errors = [];
    for (const role of r.value.roles.values()) {
      for (const c of role.conflicts) {
        const [sys, name] = c.split("/");
        const other = out.get(sys);
        if (!other) {
          errors.push(
            finding(
              "E_POLICY_INVALID",
              `${r.value.path}: roles.${role.name}.conflicts names ${c}, but there is no policies/${sys}.yaml; fix the name or remove the entry.`,
              { path: r.value.path, field: `roles.${role.name}.conflicts` }
            )
          );
        } else if (other.ok && !other.value.roles.has(name)) {
          errors.push(
            finding(
              "E_POLICY_INVALID",
              `${r.value.path}: roles.${role.name}.conflicts names ${c}, but policies/${sys}.yaml has no role ${name}; fix the name or remove the entry.`,
              { path: r.value.path, field: `roles.${role.name}.conflicts` }
            )
          );
        }
      }
    }
    if (errors.length > 0) out.set(system, { ok: false, errors });
  }
  return out;
}
function validPolicies(all) {
  const out = /* @__PURE__ */ new Map();
  for (const [k, r] of all) if (r.ok) out.set(k, r.value);
  return out;
}

export {
  loadPolicies,
  validPolicies
};
