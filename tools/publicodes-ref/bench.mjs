#!/usr/bin/env node
// Reference side of bench/rules: evaluates RULE over the golden situations of MODEL with the
// reference engine for about SECONDS seconds, and prints one JSON line of figures.
//
//   node bench.mjs --model M --rule R --golden FILE [--seconds 20] [--start S] [--warmup-seconds 2]
//
// It evaluates the situations from S on, wrapping around, and prints how many it did: ours
// (rules_bench --start S --count N) then evaluates the same ones. The untimed warm-up (the
// same situations, from S) lets the JIT compile the engine first, as ours is compiled.

import fs from 'node:fs';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';
import { MODELS, versionsOf } from './lib/models.mjs';
import { createEngine } from './lib/reference.mjs';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' }, rule: { type: 'string' }, golden: { type: 'string' },
    seconds: { type: 'string', default: '20' },
    start: { type: 'string', default: '0' },
    'warmup-seconds': { type: 'string', default: '2' },
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

const first = Number(args.start);
const situationAt = (i) => situations[(first + i) % situations.length];
const evaluateAt = (i) => {
  engine.setSituation(situationAt(i));
  try {
    engine.evaluate(args.rule);
    return true;
  } catch {
    return false;
  }
};
const warmupMs = Number(args['warmup-seconds']) * 1000;
for (let i = 0, t = performance.now(); performance.now() - t < warmupMs; i++) evaluateAt(i);

const budgetMs = Number(args.seconds) * 1000;
let evaluations = 0, errors = 0;
const start = performance.now();
while (performance.now() - start < budgetMs) {
  if (!evaluateAt(evaluations)) errors++;
  evaluations++;
}
const seconds = (performance.now() - start) / 1000;
console.log(JSON.stringify({
  engine: 'reference', versions: versionsOf(args.model), model: args.model, rule: args.rule,
  start: first, evaluations, errors, seconds, eval_per_s: evaluations / seconds, load_ms: loadMs,
  peak_rss_mb: process.resourceUsage().maxRSS / 1024,
}));
