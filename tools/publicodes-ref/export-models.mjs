#!/usr/bin/env node
// Writes each model's compiled rules, exactly as its npm package ships them, to
// OUT_DIR/<model>.json, the form the C++ engine loads (two packages ship the rules inside a
// JavaScript module rather than as a JSON file).
//
//   node export-models.mjs OUT_DIR [MODEL...]

import fs from 'node:fs';
import path from 'node:path';
import { MODELS } from './lib/models.mjs';

const [outDir, ...only] = process.argv.slice(2);
if (!outDir) {
  console.error('usage: export-models.mjs OUT_DIR [MODEL...]');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });
for (const name of only.length ? only : Object.keys(MODELS)) {
  if (!MODELS[name]) {
    console.error(`unknown model ${name}`);
    process.exit(2);
  }
  const rules = await MODELS[name].load();
  const target = path.join(outDir, `${name}.json`);
  const text = JSON.stringify(rules);
  // Rewrite only on change, so that the build does not redo what depends on it.
  if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== text) fs.writeFileSync(target, text);
}
