// The floor for `jit check`: read and YAML-parse the same files (policies/*.yaml and
// grants/<system>/*.yaml), nothing else (no validation, no rules). A check cannot be faster
// than reading and parsing its input, so check/floor says what the checking itself costs.
//
//   node bench/floor-parse.mjs DIR     prints the number of files parsed
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = process.argv[2] ?? '.';
let files = 0;
const parseDir = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.yaml')) continue;
    parse(readFileSync(join(dir, name), 'utf8'));
    files++;
  }
};
parseDir(join(root, 'policies'));
const grants = join(root, 'grants');
for (const system of readdirSync(grants).sort()) parseDir(join(grants, system));
console.log(files);
