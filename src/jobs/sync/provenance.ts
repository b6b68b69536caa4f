import { provenanceOf } from '../../audit/provenance.js';
import type { RefuseGrant } from './plan.js';

/**
 * The sync option that refuses grants without approved provenance (SPEC §9, `jit audit
 * --verify`): a grant pushed straight to the default branch, or edited after its approved merge,
 * backs no membership, and its membership is removed like any unbacked one.
 */
export async function requireProvenance(root: string): Promise<RefuseGrant> {
  const provenance = await provenanceOf(root);
  return (grant) => {
    const p = provenance.get(grant.path);
    if (!p)
      return `${grant.path}: no history explains this file; it is not granted (run jit audit --verify).`;
    return p.ok
      ? undefined
      : `${p.finding.message} It is not granted until it arrives through an approved merge.`;
  };
}
