import { createRequire as __jitCreateRequire } from 'node:module'; const require = __jitCreateRequire(import.meta.url);
import {
  isGrantsPath
} from "./chunk-A3BRDDDL.js";

// src/core/evaluate/classify.ts
function classifyFiles(files) {
  const changes = [];
  const outside = [];
  for (const f of files) {
    const inGrants = isGrantsPath(f.path);
    if (f.status === "renamed" && f.previous_path) {
      const fromGrants = isGrantsPath(f.previous_path);
      if (!fromGrants) outside.push(f.previous_path);
      if (!inGrants) outside.push(f.path);
      if (fromGrants) changes.push({ change: "removed", path: f.previous_path });
      if (inGrants)
        changes.push({ change: "renamed", path: f.path, previousPath: f.previous_path, file: f });
      continue;
    }
    if (!inGrants) {
      outside.push(f.path);
      continue;
    }
    if (f.status === "removed") changes.push({ change: "removed", path: f.path });
    else
      changes.push({ change: f.status === "added" ? "added" : "modified", path: f.path, file: f });
  }
  return { changes, outside };
}
function isNarrowing(before, after) {
  const keys = /* @__PURE__ */ new Set([...Object.keys(before.fields), ...Object.keys(after.fields)]);
  for (const k of keys) {
    if (k === "expires_at" || k === "starts_at") continue;
    if (before.fields[k] !== after.fields[k]) return false;
  }
  if (after.expiresAt > before.expiresAt) return false;
  if (before.startsAt !== void 0 && (after.startsAt === void 0 || after.startsAt < before.startsAt))
    return false;
  return true;
}
function changedIdentity(before, after) {
  const out = [];
  if (before.requester.toLowerCase() !== after.requester.toLowerCase()) out.push("requester");
  if (before.subject.toLowerCase() !== after.subject.toLowerCase()) out.push("subject");
  if (before.role !== after.role) out.push("role");
  return out;
}

export {
  classifyFiles,
  isNarrowing,
  changedIdentity
};
