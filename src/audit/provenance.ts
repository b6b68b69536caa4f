import { type Provenance, verifyProvenance } from '../core/audit/verify.js';
import { HistoryInputError, loadHistory } from './history.js';

/**
 * Provenance of every grant on `ref` (default HEAD) of the repository at `root`: path → the
 * approved merge it came from, or the E_PROVENANCE finding. For `jit sync`'s option to refuse
 * grants without provenance: a grant missing from the map is not on `ref`.
 * Throws HistoryInputError for a shallow clone: without the full history nothing can be proven.
 */
export async function provenanceOf(root: string, ref = 'HEAD'): Promise<Map<string, Provenance>> {
  const history = await loadHistory(root, ref, { withTree: true });
  if (history.shallow) throw new HistoryInputError(shallowMessage(root));
  return verifyProvenance(history, history.tree).provenance;
}

export const shallowMessage = (root: string): string =>
  `${root} is a shallow clone: the history before its boundary is missing, so provenance cannot be proven. Fetch the full history (git fetch --unshallow, or actions/checkout with fetch-depth: 0).`;
