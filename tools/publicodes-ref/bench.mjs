#!/usr/bin/env node
// Reference side of bench/rules: evaluates RULE over the golden situations of MODEL with the
// reference engine for about SECONDS seconds, and prints one JSON line of figures.
//
//   node bench.mjs --model M --rule R --golden FILE [--seconds 20]

import fs from 'node:fs';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';
import { MODELS, versionsOf } from './lib/models.mjs';
import { createEngine } from './lib/reference.mjs';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' }, rule: { type: 'string' }, golden: { type: 'string' },
    seconds: { type: 'string', default: '20' },
  },
});
if (!MODELS[args.model] || !args.rule || !args.golden) {
  console.error('usage: bench.mjs --model M --rule R --golden FILE [--seconds S]');
  process.exit(2);
}

let text = fs.readFileSync(args.golden);
if (args.golden.endsWith('.gz')) text = zlib.gunzipSync(text);
const situations = text.toString('utf8').trim().split('\n').slice(1).map((line) => JSON.parse(line).situation);

const rules = await MODELS[args.model].load();
const loadStart = performance.now();
const engine = createEngine(rules);
const loadMs = performance.now() - loadStart;

const budgetMs = Number(args.seconds) * 1000;
let evaluations = 0, errors = 0;
const start = performance.now();
while (performance.now() - start < budgetMs) {
  engine.setSituation(situations[evaluations % situations.length]);
  try {
    engine.evaluate(args.rule);
  } catch {
    errors++;
  }
  evaluations++;
}
const seconds = (performance.now() - start) / 1000;
console.log(JSON.stringify({
  engine: 'reference', versions: versionsOf(args.model), model: args.model, rule: args.rule,
  evaluations, errors, seconds, eval_per_s: evaluations / seconds, load_ms: loadMs,
  peak_rss_mb: process.resourceUsage().maxRSS / 1024,
}));
