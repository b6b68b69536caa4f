/** One file of a repository tree, as bytes (never executed, never trusted). */
export interface RepoFile {
  path: string;
  bytes: Uint8Array;
  /** Git file mode: `100644`, `100755`, `120000` (symlink), … */
  mode: string;
}

/** A repository tree: path → file. Only the parts jit-access reads (policies/, grants/, CODEOWNERS). */
export type Tree = Map<string, RepoFile>;

const encoder = new TextEncoder();

/** Builds a tree from text contents (tests, snapshots). */
export function treeFromTexts(files: Record<string, string>): Tree {
  const tree: Tree = new Map();
  for (const [path, text] of Object.entries(files)) {
    tree.set(path, { path, bytes: encoder.encode(text), mode: '100644' });
  }
  return tree;
}

export const isSymlinkMode = (mode: string): boolean => mode === '120000';
