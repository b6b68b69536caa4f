import { type Dirent, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Tree } from '../core/tree.js';

/** Top-level entries jit-access reads from a working tree. */
const ROOTS = ['policies', 'grants', '.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'];

/**
 * Reads the parts of a working tree that jit-access judges, as data. Symbolic links are never
 * followed: they are recorded with git's symlink mode so the core refuses them (E_SYMLINK).
 * Nested folders are read too, so stray files are reported rather than silently skipped.
 * Directory entries carry their type, so a file costs one read, not an extra lstat.
 */
export function readTree(root: string): Tree {
  const tree: Tree = new Map();
  for (const rel of ROOTS) {
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(join(root, rel));
    } catch {
      continue;
    }
    if (st.isDirectory()) walk(root, rel, tree, 0);
    else add(root, rel, tree, st.isSymbolicLink(), st.isFile());
  }
  return tree;
}

function walk(root: string, rel: string, tree: Tree, depth: number): void {
  if (depth > 8) return; // deeper folders are already E_PATH at their first level
  const entries: Dirent[] = readdirSync(join(root, rel), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const path = `${rel}/${e.name}`;
    if (e.isDirectory()) walk(root, path, tree, depth + 1);
    else add(root, path, tree, e.isSymbolicLink(), e.isFile());
  }
}

function add(root: string, rel: string, tree: Tree, symlink: boolean, file: boolean): void {
  const abs = join(root, rel);
  if (symlink) {
    tree.set(rel, {
      path: rel,
      bytes: new TextEncoder().encode(readlinkSync(abs)),
      mode: '120000',
    });
  } else if (file) {
    // Only symlinks matter to the core (E_SYMLINK); the executable bit is not judged.
    tree.set(rel, { path: rel, bytes: readFileSync(abs), mode: '100644' });
  }
}
