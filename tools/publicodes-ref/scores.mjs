#!/usr/bin/env node
// Compares the missing variables of the reference and of our engine, scores and order included
// (the golden data records their names only), on golden situations of one model.
//
//   node scores.mjs --model M --parcours BUILD/src/app/parcours --model-file BUILD/publicodes-models/M.json
//                   [--golden tests/rules-golden/M.jsonl.gz] [--from 0] [--count 10] [--rules 3]
//
// Each situation is evaluated by both engines, the golden header's first RULES rules in order
// on one engine (as the golden data was made). Prints each evaluation that differs, then a
// summary line; exits 1 when one differs.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';
import { MODELS, TOOL_DIR } from './lib/models.mjs';
import { createEngine } from './lib/reference.mjs';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' }, parcours: { type: 'string' }, 'model-file': { type: 'string' },
    golden: { type: 'string' }, from: { type: 'string', default: '0' },
    count: { type: 'string', default: '10' }, rules: { type: 'string', default: '3' },
  },
});
if (!MODELS[args.model] || !args.parcours || !args['model-file']) {
  console.error('usage: scores.mjs --model M --parcours BIN --model-file FILE [--golden F] [--from I] [--count N] [--rules R]');
  process.exit(2);
}

const golden = args.golden ?? path.join(TOOL_DIR, '..', '..', 'tests', 'rules-golden', `${args.model}.jsonl.gz`);
let text = fs.readFileSync(golden);
if (golden.endsWith('.gz')) text = zlib.gunzipSync(text);
const lines = text.toString('utf8').trim().split('\n');
const rules = JSON.parse(lines[0]).rules.slice(0, Number(args.rules));
const situations = lines.slice(1).map((line) => JSON.parse(line).situation);
const engine = createEngine(await MODELS[args.model].load());  // setSituation resets its caches
const situationFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scores-')), 'situation.json');

// A list as [name, score] pairs in its order.
const pairs = (list) => JSON.stringify(list);
let compared = 0, differing = 0;
const last = Math.min(situations.length, Number(args.from) + Number(args.count));
for (let i = Number(args.from); i < last; i++) {
  engine.setSituation(situations[i]);
  fs.writeFileSync(situationFile, JSON.stringify(situations[i]));
  const ours = JSON.parse(execFileSync(args.parcours, ['rules', 'eval', '-m', args['model-file'], '-s', situationFile, '--json', ...rules],
                                       { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] }));
  for (const rule of rules) {
    let want;
    try {
      want = Object.entries(engine.evaluate(rule).missingVariables ?? {});
    } catch {
      continue;  // an error: the golden data compares those
    }
    const got = (ours[rule]?.['variables manquantes'] ?? []).map((m) => [m['règle'], m.score]);
    compared++;
    if (pairs(want) === pairs(got)) continue;
    differing++;
    const byName = new Map(got);
    const scores = want.filter(([name, score]) => byName.get(name) !== score).slice(0, 3)
        .map(([name, score]) => `${name}: ${score} / ${byName.get(name)}`);
    console.log(`[situation ${i}] ${rule}: ${want.length} / ${got.length} variables; reference / ours: ${scores.join('; ') || 'order'}`);
  }
}
console.log(`${args.model}: ${compared - differing}/${compared} evaluations with the reference's scores and order`);
process.exit(differing > 0 ? 1 : 0);
