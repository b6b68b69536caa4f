import type { ValidateFunction } from 'ajv/dist/2020.js';

/** Standalone validator of schemas/policy.schema.json (scripts/gen-validators.mjs). */
export declare const validate: ValidateFunction;
export default validate;
