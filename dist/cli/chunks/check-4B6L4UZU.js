import { createRequire as __jitCreateRequire } from 'node:module'; const require = __jitCreateRequire(import.meta.url);
import {
  checkTree
} from "./chunk-AKI2A6X7.js";
import "./chunk-KX2J3E7P.js";
import {
  readTree
} from "./chunk-GAVMHO3U.js";
import "./chunk-B3ECCHGL.js";
import {
  COMMON,
  clock,
  parse,
  rootDir
} from "./chunk-A3BRDDDL.js";
import {
  EXIT
} from "./chunk-IK6MJZGE.js";

// src/cli/commands/check.ts
var CHECK_HELP = `jit check [--json] [--now RFC3339] [--root DIR]

Validates every policy (policies/*.yaml) and grant (grants/<system>/*.yaml) of the tree.
Expired grants are warnings; team membership is not verified offline.
Exit: 0 valid, 1 findings, 2 bad usage.`;
function checkCommand(args, io) {
  const { values } = parse("check", args, COMMON);
  if (values.help) {
    io.out(CHECK_HELP);
    return EXIT.ok;
  }
  const now = clock(io, values.now);
  const root = rootDir(io, values.root);
  const report = checkTree(readTree(root), now);
  if (values.json) {
    const strip = (f) => ({
      code: f.code,
      message: f.message,
      ...f.path ? { path: f.path } : {}
    });
    io.out(
      JSON.stringify(
        {
          ok: report.ok,
          errors: report.errors.map(strip),
          warnings: report.warnings.map(strip),
          notes: report.notes,
          grants: report.grants,
          policies: report.policies
        },
        null,
        2
      )
    );
  } else {
    for (const f of report.errors) io.out(`error    ${f.code.padEnd(20)} ${f.message}`);
    for (const f of report.warnings) io.out(`warning  ${f.code.padEnd(20)} ${f.message}`);
    for (const n of report.notes) io.out(`note     ${n}`);
    const verdict = report.ok ? "ok" : `${report.errors.length} error(s)`;
    io.out(
      `${verdict}: ${report.policies} policies, ${report.grants} grants, ${report.warnings.length} warning(s)`
    );
  }
  return report.ok ? EXIT.ok : EXIT.findings;
}
export {
  CHECK_HELP,
  checkCommand
};
