#!/usr/bin/env node
// Generates golden data for the Parcours rules cross-check: seeded situations derived from a
// model's own questions, evaluated by the reference engine.
//
//   node generate.mjs --model M --count N --seed S [--out DIR] [--max-seconds T]
//
// Writes DIR/<M>.jsonl (or .jsonl.gz when over 4 MB): line 1 is the header (command,
// package versions, seed, engine options, compared rules), then one line per situation:
// {"id", "situation", "results": {rule: record}} (record format: lib/reference.mjs).

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';
import { MODELS, TOOL_DIR, versionsOf } from './lib/models.mjs';
import { createEngine, ENGINE_OPTIONS, evaluateRecord, setSituationLenient } from './lib/reference.mjs';
import { situationGenerator } from './lib/situations.mjs';

const GZIP_THRESHOLD = 4 * 1024 * 1024;

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    count: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: path.join(TOOL_DIR, '..', '..', 'tests', 'rules-golden') },
    'max-seconds': { type: 'string' },
  },
});
if (!args.model || !MODELS[args.model]) {
  console.error(`usage: generate.mjs --model (${Object.keys(MODELS).join('|')}) --count N --seed S`);
  process.exit(2);
}
const model = args.model;
const count = Number(args.count);
const maxSeconds = args['max-seconds'] ? Number(args['max-seconds']) : Infinity;
const config = MODELS[model];

const rules = await config.load();
const engine = createEngine(rules);
const mainRules = config.mainRules(rules);
const generator = situationGenerator(model, rules, args.seed);

const started = Date.now();
const lines = [];
let rejected = 0;
for (let id = 0; lines.length < count; id++) {
  if ((Date.now() - started) / 1000 > maxSeconds) {
    console.error(`${model}: time budget reached after ${lines.length} situations`);
    break;
  }
  const situation = setSituationLenient(engine, await generator.next());
  if (situation === null) { rejected++; continue; }
  const results = {};
  for (const rule of mainRules) results[rule] = evaluateRecord(engine, rule);
  lines.push(JSON.stringify({ id: lines.length, situation, results }));
  if (lines.length % 100 === 0) {
    console.error(`${model}: ${lines.length}/${count} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
}

const command = ['node', 'tools/publicodes-ref/generate.mjs', '--model', model, '--count', String(count),
  '--seed', args.seed, ...(args['max-seconds'] ? ['--max-seconds', args['max-seconds']] : [])].join(' ');
const header = {
  format: 'parcours-publicodes-golden/1',
  model,
  command,
  seed: args.seed,
  count: lines.length,
  rejected_situations: rejected,
  packages: versionsOf(model),
  node: process.version,
  model_source: `tools/publicodes-ref/node_modules/${config.source}`,
  engine_options: ENGINE_OPTIONS,
  inputs_derived: generator.inputs.length,
  rules: mainRules,
};
const text = [JSON.stringify(header), ...lines].join('\n') + '\n';
fs.mkdirSync(args.out, { recursive: true });
const base = path.join(args.out, `${model}.jsonl`);
for (const stale of [base, `${base}.gz`]) fs.rmSync(stale, { force: true });
if (Buffer.byteLength(text) > GZIP_THRESHOLD) {
  fs.writeFileSync(`${base}.gz`, zlib.gzipSync(text, { level: 9 }));
  console.error(`${model}: wrote ${base}.gz (${lines.length} situations)`);
} else {
  fs.writeFileSync(base, text);
  console.error(`${model}: wrote ${base} (${lines.length} situations)`);
}
