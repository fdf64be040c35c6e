#!/usr/bin/env node
// Evaluates rules with the reference engine on one situation, to look into a disagreement
// reported by tests/rules-crosscheck (its <model>-report.json lists the situations).
//
//   node eval.mjs --model M --situation S.json RULE...    (S.json: {rule: expression})
// Prints, per rule, the golden record plus the missing variables with their scores.

import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { MODELS } from './lib/models.mjs';
import { createEngine, record } from './lib/reference.mjs';

const { values: args, positionals: rules } = parseArgs({
  options: { model: { type: 'string' }, situation: { type: 'string' } },
  allowPositionals: true,
});
if (!MODELS[args.model] || !args.situation || rules.length === 0) {
  console.error('usage: eval.mjs --model M --situation S.json RULE...');
  process.exit(2);
}
const engine = createEngine(await MODELS[args.model].load());
engine.setSituation(JSON.parse(fs.readFileSync(args.situation, 'utf8')));
for (const rule of rules) {
  try {
    const node = engine.evaluate(rule);
    console.log(JSON.stringify({ rule, ...record(node), scores: node.missingVariables }, null, 1));
  } catch (error) {
    console.log(JSON.stringify({ rule, error: String(error?.message ?? error) }));
  }
}
