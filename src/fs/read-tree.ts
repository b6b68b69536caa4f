import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { RepoFile, Tree } from '../core/tree.js';

/** Top-level entries jit-access reads from a working tree. */
const ROOTS = ['policies', 'grants', '.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'];

/**
 * Reads the parts of a working tree that jit-access judges, as data. Symbolic links are never
 * followed: they are recorded with git's symlink mode so the core refuses them (E_SYMLINK).
 * Nested folders are read too, so stray files are reported rather than silently skipped.
 */
export function readTree(root: string): Tree {
  const tree: Tree = new Map();
  for (const rel of ROOTS) visit(root, rel, tree, 0);
  return tree;
}

function visit(root: string, rel: string, tree: Tree, depth: number): void {
  const abs = join(root, rel);
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(abs);
  } catch {
    return;
  }
  if (st.isSymbolicLink()) {
    tree.set(rel, file(rel, new TextEncoder().encode(readlinkSync(abs)), '120000'));
  } else if (st.isDirectory()) {
    if (depth > 8) return; // deeper folders are already E_PATH at their first level
    for (const name of readdirSync(abs).sort()) visit(root, `${rel}/${name}`, tree, depth + 1);
  } else if (st.isFile()) {
    tree.set(rel, file(rel, readFileSync(abs), st.mode & 0o111 ? '100755' : '100644'));
  }
}

const file = (path: string, bytes: Uint8Array, mode: string): RepoFile => ({ path, bytes, mode });
