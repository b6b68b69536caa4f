import { createRequire as __jitCreateRequire } from 'node:module'; const require = __jitCreateRequire(import.meta.url);

// src/fs/read-tree.ts
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
var ROOTS = ["policies", "grants", ".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];
function readTree(root) {
  const tree = /* @__PURE__ */ new Map();
  for (const rel of ROOTS) {
    let st;
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
function walk(root, rel, tree, depth) {
  if (depth > 8) return;
  const entries = readdirSync(join(root, rel), { withFileTypes: true });
  entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  for (const e of entries) {
    const path = `${rel}/${e.name}`;
    if (e.isDirectory()) walk(root, path, tree, depth + 1);
    else add(root, path, tree, e.isSymbolicLink(), e.isFile());
  }
}
function add(root, rel, tree, symlink, file) {
  const abs = join(root, rel);
  if (symlink) {
    tree.set(rel, {
      path: rel,
      bytes: new TextEncoder().encode(readlinkSync(abs)),
      mode: "120000"
    });
  } else if (file) {
    tree.set(rel, { path: rel, bytes: readFileSync(abs), mode: "100644" });
  }
}

export {
  readTree
};
