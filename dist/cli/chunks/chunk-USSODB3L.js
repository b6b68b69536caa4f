import { createRequire as __jitCreateRequire } from 'node:module'; const require = __jitCreateRequire(import.meta.url);

// src/cli/table.ts
function table(headers, rows) {
  const clean = (s) => s.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, " ");
  const all = [headers, ...rows.map((r) => r.map(clean))];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => [...r[i] ?? ""].length)));
  const line = (r) => r.map((c, i) => i === r.length - 1 ? c : c + " ".repeat(widths[i] - [...c].length)).join("  ").trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...all.slice(1).map(line)].join(
    "\n"
  );
}

export {
  table
};
