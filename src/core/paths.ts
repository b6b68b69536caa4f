import { type Finding, finding } from './codes.js';

export const SYSTEM_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const GRANT_NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/;

export type GrantPath = { system: string; name: string };

/** `grants/<system>/<name>.yaml` → its parts, or E_PATH saying what a valid path looks like. */
export function parseGrantPath(
  path: string,
): { ok: true; value: GrantPath } | { ok: false; error: Finding } {
  const parts = path.split('/');
  const bad = (why: string) => ({
    ok: false as const,
    error: finding(
      'E_PATH',
      `${path}: ${why}. Grant files live at grants/<system>/<name>.yaml with lower-case names (a-z, 0-9, '-', '.', '_').`,
      { path },
    ),
  });
  if (parts[0] !== 'grants') return bad('not under grants/');
  if (parts.length !== 3)
    return bad(
      parts.length < 3
        ? 'a file directly under grants/ is not a grant'
        : 'grant files may not be in sub-folders',
    );
  const [, system, file] = parts as [string, string, string];
  if (!SYSTEM_ID.test(system)) return bad(`the folder name "${system}" is not a valid system id`);
  if (!file.endsWith('.yaml')) return bad('the extension must be .yaml');
  const name = file.slice(0, -'.yaml'.length);
  if (!GRANT_NAME.test(name)) return bad(`the file name "${file}" is not a valid grant name`);
  return { ok: true, value: { system, name } };
}

/** `policies/<system>.yaml` → system id, or undefined for any other path. */
export function policySystem(path: string): string | undefined {
  const m = /^policies\/([^/]+)\.yaml$/.exec(path);
  return m && SYSTEM_ID.test(m[1]!) ? m[1] : undefined;
}

export const isGrantsPath = (path: string): boolean =>
  path === 'grants' || path.startsWith('grants/');
