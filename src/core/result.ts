import type { Finding } from './codes.js';

/** Errors are data: a loader returns a value or the findings that explain why not. */
export type Result<T> = { ok: true; value: T } | { ok: false; errors: Finding[] };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(...errors: Finding[]): Result<T> => ({ ok: false, errors });
