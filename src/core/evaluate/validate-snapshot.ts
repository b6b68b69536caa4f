import snapshotSchema from '../../../schemas/snapshot.schema.json' with { type: 'json' };
import { describeSchemaErrors, newAjv } from '../schema/ajv.js';
import type { Snapshot } from './snapshot.js';

/** Checks a snapshot read from a file (`jit simulate`) before evaluating it. */
export function validateSnapshot(
  data: unknown,
  path: string,
): { ok: true; value: Snapshot } | { ok: false; errors: string[] } {
  const validate = newAjv().compile(snapshotSchema);
  if (validate(data)) return { ok: true, value: data as unknown as Snapshot };
  return {
    ok: false,
    errors: describeSchemaErrors(validate.errors).map(
      ({ field, problem }) =>
        `${path}: ${field || '(top level)'} ${problem}; see schemas/snapshot.schema.json.`,
    ),
  };
}
