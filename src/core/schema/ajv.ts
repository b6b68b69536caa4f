import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import grantSchema from '../../../schemas/grant.schema.json' with { type: 'json' };
import policySchema from '../../../schemas/policy.schema.json' with { type: 'json' };
import { ajvRegExp } from '../regex.js';

// ajv-formats is CommonJS; under NodeNext its default import may be the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

export const GRANT_SCHEMA_ID = grantSchema.$id;

/**
 * A fresh Ajv configured as SPEC §3 demands: strict mode, no data-changing options (no
 * coercion, defaults or removeAdditional), no `$data`, no remote `$ref` (no loadSchema), and
 * every `pattern` compiled by a linear-time engine.
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
    code: { regExp: ajvRegExp },
  });
  addFormats(ajv);
  return ajv;
}

let shared: { ajv: Ajv2020; policy: ValidateFunction } | undefined;

/** The shipped policy schema, compiled once per process. */
export function policyValidator(): ValidateFunction {
  if (!shared) {
    const ajv = newAjv();
    shared = { ajv, policy: ajv.compile(policySchema) };
  }
  return shared.policy;
}

/**
 * Compiles the validator for grants of one system: the shipped grant schema, plus the policy's
 * `grant_schema`, with every key not declared by either refused (`unevaluatedProperties`).
 * Throws only when `extra` is not a valid schema; the caller turns that into E_POLICY_INVALID.
 */
export function compileGrantValidator(extra: object | undefined): ValidateFunction {
  const ajv = newAjv();
  ajv.addSchema(grantSchema);
  const schema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    allOf: extra
      ? [{ $ref: GRANT_SCHEMA_ID }, { type: 'object', ...extra }]
      : [{ $ref: GRANT_SCHEMA_ID }],
    unevaluatedProperties: false,
  };
  return ajv.compile(schema);
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
