import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import {
  deref,
  type Json,
  type LoadedSpec,
  loadSpec,
  type Operation,
  pointerSegment,
} from './spec.js';

const SPEC_ID = 'github-openapi';

interface Validators {
  ajv: Ajv;
  spec: LoadedSpec;
  compiled: Map<string, ValidateFunction>;
}

let shared: Validators | undefined;

/**
 * One Ajv per process over the whole description, registered as a single schema document:
 * `$ref`s (including recursive ones) resolve by JSON pointer, so nothing is dereferenced up
 * front and validators are compiled lazily, only for the operations a test actually calls.
 */
function validators(): Validators {
  if (shared) return shared;
  const spec = loadSpec();
  // OpenAPI 3.0 keywords (nullable, discriminator, example, x-…) need `strict: false`;
  // Ajv understands `nullable` natively.
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
  const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule })
    .default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;
  addFormats(ajv);
  for (const format of ['int32', 'int64', 'double', 'repo.nwo', 'binary', 'timestamp']) {
    ajv.addFormat(format, true);
  }
  ajv.addSchema(spec.document, SPEC_ID);
  shared = { ajv, spec, compiled: new Map() };
  return shared;
}

function compile(key: string, schema: () => Json): ValidateFunction {
  const v = validators();
  let fn = v.compiled.get(key);
  if (!fn) {
    fn = v.ajv.compile(schema());
    v.compiled.set(key, fn);
  }
  return fn;
}

function ref(pointer: string): Json {
  return { $ref: `${SPEC_ID}#${pointer}` };
}

/** Human-readable Ajv errors, capped so a violation report stays legible. */
export function formatErrors(errors: ErrorObject[] | null | undefined, root = ''): string[] {
  return (errors ?? []).slice(0, 12).map((e) => {
    const where = `${root}${e.instancePath}` || '/';
    const extra =
      e.keyword === 'enum'
        ? ` ${JSON.stringify(e.params.allowedValues)}`
        : e.keyword === 'additionalProperties'
          ? ` '${e.params.additionalProperty}'`
          : '';
    return `${where} ${e.message ?? e.keyword}${extra}`;
  });
}

interface ParamInfo {
  name: string;
  in: string;
  required: boolean;
  pointer: string;
  schema: Json;
}

function parameters(operation: Operation): ParamInfo[] {
  const { document } = validators().spec;
  return (operation.spec.parameters ?? []).map((param: Json, index: number) => {
    const resolved = deref(document, param);
    const pointer =
      typeof param.$ref === 'string'
        ? `${param.$ref.replace(/^#/, '')}/schema`
        : `${operation.pointer}/parameters/${index}/schema`;
    return {
      name: resolved.name,
      in: resolved.in,
      required: Boolean(resolved.required),
      pointer,
      schema: deref(document, resolved.schema),
    };
  });
}

/** Query strings and paths carry text; turn it into the types the schema declares. */
function coerce(value: unknown, schema: Json): unknown {
  if (typeof value !== 'string' || !schema) return value;
  switch (schema.type) {
    case 'integer':
      return /^-?\d+$/.test(value) ? Number(value) : value;
    case 'number':
      return value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'array':
      return value.split(',');
    default:
      return value;
  }
}

export interface RequestInput {
  path: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  hasBody: boolean;
}

export interface RequestCheck {
  /** Path and query values with the declared types applied. */
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  errors: { in: 'path' | 'query' | 'body'; message: string }[];
}

/** Validates path params, query and JSON body of a request against its operation. */
export function validateRequest(operation: Operation, input: RequestInput): RequestCheck {
  const params = parameters(operation);
  const path: Record<string, unknown> = {};
  const query: Record<string, unknown> = {};
  for (const p of params) {
    if (p.in === 'path' && p.name in input.path)
      path[p.name] = coerce(input.path[p.name], p.schema);
  }
  for (const [name, value] of Object.entries(input.query)) {
    const p = params.find((x) => x.in === 'query' && x.name === name);
    query[name] = p ? coerce(value, p.schema) : value;
  }
  const errors: RequestCheck['errors'] = [];
  const check = (where: 'path' | 'query', values: Record<string, unknown>) => {
    const fn = compile(`${operation.operationId} ${where}`, () => {
      const mine = params.filter((p) => p.in === where);
      return {
        type: 'object',
        properties: Object.fromEntries(mine.map((p) => [p.name, ref(p.pointer)])),
        required: mine.filter((p) => p.required).map((p) => p.name),
        // GitHub ignores unknown query parameters, but for a client under test an unknown
        // parameter is a typo or a misunderstanding: report it.
        additionalProperties: false,
      };
    });
    if (!fn(values))
      errors.push(...formatErrors(fn.errors, `${where}`).map((m) => ({ in: where, message: m })));
  };
  check('path', path);
  check('query', query);
  const requestBody = deref(validators().spec.document, operation.spec.requestBody);
  if (requestBody?.content?.['application/json']) {
    if (!input.hasBody) {
      if (requestBody.required) errors.push({ in: 'body', message: 'body is required' });
    } else {
      const pointer =
        typeof operation.spec.requestBody.$ref === 'string'
          ? operation.spec.requestBody.$ref.replace(/^#/, '')
          : `${operation.pointer}/requestBody`;
      const fn = compile(`${operation.operationId} body`, () =>
        ref(`${pointer}/content/application~1json/schema`),
      );
      if (!fn(input.body)) {
        errors.push(
          ...formatErrors(fn.errors, 'body').map((m) => ({ in: 'body' as const, message: m })),
        );
      }
    }
  }
  return { path, query, errors };
}

function undeclaredError(body: unknown): string[] {
  const fn = compile('undeclared-error', () => ({
    anyOf: [ref('/components/schemas/basic-error'), ref('/components/schemas/validation-error')],
  }));
  return fn(body) ? [] : formatErrors(fn.errors, 'response');
}

/** Validates a response body and status against the operation's declared responses. */
export function validateResponse(operation: Operation, status: number, body: unknown): string[] {
  const { document } = validators().spec;
  const responses = operation.spec.responses ?? {};
  const declaredKey = [String(status), `${String(status)[0]}XX`, 'default'].find(
    (k) => k in responses,
  );
  if (declaredKey === undefined) {
    if (status < 400) return [`status ${status} is not declared for ${operation.operationId}`];
    // GitHub answers errors an operation does not declare (404 on every route, 422 on
    // most writes); they still carry its error shape.
    return undeclaredError(body);
  }
  const raw = responses[declaredKey];
  const pointer =
    typeof raw.$ref === 'string'
      ? raw.$ref.replace(/^#/, '')
      : `${operation.pointer}/responses/${pointerSegment(declaredKey)}`;
  const response = deref(document, raw);
  if (!response?.content?.['application/json']) {
    if (body === undefined || body === null || body === '') return [];
    // GitHub sends its JSON error body even where the description declares none (e.g. 404
    // of "check organization membership"); anything else is a fake-github mistake.
    if (status >= 400) return undeclaredError(body);
    return [`status ${status} of ${operation.operationId} declares no body`];
  }
  const fn = compile(`${operation.operationId} ${declaredKey} response`, () =>
    ref(`${pointer}/content/application~1json/schema`),
  );
  return fn(body) ? [] : formatErrors(fn.errors, 'response');
}

/** Loads the spec and builds the shared Ajv (tests may call it in `beforeAll` to warm up). */
export function warmUp(): void {
  validators();
}
