import type { Tree } from '../tree.js';
import type { FileContent } from './snapshot.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A tree as snapshot `base.files`: UTF-8 text where the bytes are valid UTF-8, exact bytes in
 * base64 otherwise (the loader then reports E_ENCODING), symlinks with their git mode.
 */
export function snapshotFiles(tree: Tree): Record<string, FileContent> {
  const out: Record<string, FileContent> = {};
  for (const f of tree.values()) {
    if (f.mode === '120000') {
      out[f.path] = { base64: Buffer.from(f.bytes).toString('base64'), mode: f.mode };
      continue;
    }
    try {
      out[f.path] = UTF8.decode(f.bytes);
    } catch {
      out[f.path] = { base64: Buffer.from(f.bytes).toString('base64') };
    }
  }
  return out;
}
