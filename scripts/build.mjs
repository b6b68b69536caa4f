// Bundles the action (dist/index.js, one file) and the CLI (dist/cli/, split per command) as ESM that runs
// without node_modules, as the Actions runner runs them. dist/ is committed; .ci/run fails when
// it is stale.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';
import { writePolicyValidator } from './gen-validators.mjs';

const outdir = process.env.JIT_BUILD_OUTDIR ?? 'dist';

// The precompiled policy validator lives in src/ (tests import it); a check build writes a fresh
// copy next to the bundles so `npm test` can compare it with the committed one.
// Chunk names change with their content: start from an empty dist/cli so no stale chunk stays.
rmSync(`${outdir}/cli`, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
writePolicyValidator(
  process.env.JIT_BUILD_OUTDIR
    ? `${outdir}/policy-validator.generated.js`
    : 'src/core/schema/policy-validator.generated.js',
);

const banner = {
  js: "import { createRequire as __jitCreateRequire } from 'node:module'; const require = __jitCreateRequire(import.meta.url);",
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  banner,
  legalComments: 'none',
  sourcemap: false,
  logLevel: 'warning',
  // pg's optional native binding is never used.
  external: ['pg-native'],
};

// The CLI is split per command (dist/cli/): `jit check` loads only the core, not the GitHub
// client or the database driver. Chunk names are content hashes, so a stale chunk shows up as
// a difference in the freshness check of `npm test`. The action stays one file (dist/index.js).
await Promise.all([
  build({
    ...common,
    entryPoints: { bin: 'src/cli/bin.ts' },
    outdir: `${outdir}/cli`,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
  }),
  ...(existsSync('src/action/main.ts')
    ? [build({ ...common, entryPoints: ['src/action/main.ts'], outfile: `${outdir}/index.js` })]
    : []),
]);
