import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import grantSchema from '../../../schemas/grant.schema.json' with { type: 'json' };
import policySchema from '../../../schemas/policy.schema.json' with { type: 'json' };
import { ajvRegExp } from '../regex.js';
import { validate as validatePolicy } from './policy-validator.generated.js';

// ajv-formats is CommonJS; under NodeNext its default import may be the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

export const GRANT_SCHEMA_ID = grantSchema.$id;

/**
 * Patterns of the schemas this package ships (logins, roles, RFC 3339 shapes, durations). They
 * are ours, anchored and free of nested quantifiers, so V8's RegExp runs them safely and about
 * ten times faster than RE2JS on every grant. Every other pattern (any a policy supplies) is
 * compiled by the linear-time engine.
 */
const SHIPPED_PATTERNS = new Set<string>();
(function collect(node: unknown): void {
  if (Array.isArray(node)) node.forEach(collect);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'pattern' && typeof v === 'string') SHIPPED_PATTERNS.add(v);
      else collect(v);
    }
  }
})([grantSchema, policySchema]);

function regExpEngine(pattern: string, flags: string) {
  return SHIPPED_PATTERNS.has(pattern) ? new RegExp(pattern, flags) : ajvRegExp(pattern, flags);
}
regExpEngine.code = 'jitRegExp';

/**
 * A fresh Ajv configured as SPEC §3 demands: strict mode, no data-changing options (no
 * coercion, defaults or removeAdditional), no `$data`, no remote `$ref` (no loadSchema), and
 * every policy-supplied `pattern` compiled by a linear-time engine.
 */
export function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({
    strict: true,
    allErrors: true,
    allowUnionTypes: true,
    $data: false,
    coerceTypes: false,
    useDefaults: false,
    removeAdditional: false,
    code: { regExp: regExpEngine },
  });
  addFormats(ajv);
  return ajv;
}

/**
 * One Ajv per process for the shipped schemas and every grant_schema that declares no schema
 * identifiers: compiling the 2020-12 meta-schema once instead of once per policy saves about
 * 0.3 s per `jit check`. A grant_schema with `$id`/`$anchor`/`$dynamicAnchor` gets an instance
 * of its own, so no policy can register or shadow an identifier another policy resolves.
 */
let shared: { ajv: Ajv2020 } | undefined;

function sharedAjv(): Ajv2020 {
  if (!shared) {
    const ajv = newAjv();
    // The shipped schemas are ours and tested: no meta-schema validation for them (it would
    // compile the 2020-12 meta-schema even when no policy has a grant_schema).
    ajv.addSchema(grantSchema, undefined, undefined, false);
    shared = { ajv };
  }
  return shared.ajv;
}

/**
 * The shipped policy schema's validator, precompiled at build time by Ajv's standalone code
 * generation with the options of `newAjv()` (scripts/gen-validators.mjs; `npm test` fails when
 * it is stale). Compiling it at run time cost every `jit check` about 45 ms.
 */
export function policyValidator(): ValidateFunction {
  return validatePolicy;
}

const BASE_GRANT_KEY = 'jit:grant';

const DECLARES_IDS = /"\$(id|anchor|dynamicAnchor)"\s*:/;

/**
 * Compiles the validator for grants of one system: the shipped grant schema, plus the policy's
 * `grant_schema`, with every key not declared by either refused (`unevaluatedProperties`).
 * Throws only when `extra` is not a valid schema; the caller turns that into E_POLICY_INVALID.
 */
export function compileGrantValidator(extra: object | undefined): ValidateFunction {
  const isolated = extra !== undefined && DECLARES_IDS.test(JSON.stringify(extra));
  const ajv = isolated ? newAjv() : sharedAjv();
  if (isolated) ajv.addSchema(grantSchema);
  if (extra === undefined) {
    // Only shipped parts: compiled once, without meta-schema validation.
    if (!ajv.getSchema(BASE_GRANT_KEY))
      ajv.addSchema(closedGrantSchema(undefined), BASE_GRANT_KEY, undefined, false);
    return ajv.getSchema(BASE_GRANT_KEY)!;
  }
  // A policy's grant_schema is validated against the 2020-12 meta-schema and strict mode.
  return ajv.compile(closedGrantSchema(extra));
}

function closedGrantSchema(extra: object | undefined) {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    allOf: extra
      ? [{ $ref: GRANT_SCHEMA_ID }, { type: 'object', ...extra }]
      : [{ $ref: GRANT_SCHEMA_ID }],
    unevaluatedProperties: false,
  };
}

/** Turns Ajv errors into `field: problem` phrases (deduplicated, most specific first). */
export function describeSchemaErrors(
  errors: ErrorObject[] | null | undefined,
): Array<{ field: string; problem: string }> {
  const out: Array<{ field: string; problem: string }> = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    const field = e.instancePath.slice(1).replaceAll('/', '.');
    let problem: string;
    let f = field;
    switch (e.keyword) {
      case 'required':
        f = joinField(field, String(e.params.missingProperty));
        problem = 'is required but missing';
        break;
      case 'unevaluatedProperties':
      case 'additionalProperties': {
        const key = String(e.params.unevaluatedProperty ?? e.params.additionalProperty);
        f = joinField(field, key);
        problem = 'is not an allowed key';
        break;
      }
      case 'pattern':
        problem = `does not match the pattern ${e.params.pattern}`;
        break;
      case 'type':
        problem = `must be ${e.params.type === 'string' ? 'a string' : `of type ${e.params.type}`}`;
        break;
      case 'enum':
        problem = `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
        break;
      case 'const':
        problem = `must be ${JSON.stringify(e.params.allowedValue)}`;
        break;
      case 'oneOf':
      case 'anyOf':
      case 'if':
        continue; // the branch errors say more
      default:
        problem = e.message ?? e.keyword;
    }
    const k = `${f}\u0000${problem}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ field: f, problem });
  }
  return out;
}

function joinField(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key;
}
