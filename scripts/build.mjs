// Bundles the action (dist/index.js) and the CLI (dist/cli.js) into single ESM files that run
// without node_modules, as the Actions runner runs them. dist/ is committed; .ci/run fails when
// it is stale.
import { existsSync } from 'node:fs';
import { build } from 'esbuild';

const outdir = process.env.JIT_BUILD_OUTDIR ?? 'dist';
const entries = [
  { in: 'src/cli/bin.ts', out: `${outdir}/cli.js` },
  { in: 'src/action/main.ts', out: `${outdir}/index.js` },
].filter((e) => existsSync(e.in));

const banner = {
  js: "import { createRequire as __jitCreateRequire } from 'node:module'; const require = __jitCreateRequire(import.meta.url);",
};

await Promise.all(
  entries.map((e) =>
    build({
      entryPoints: [e.in],
      outfile: e.out,
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
    }),
  ),
);
