#!/usr/bin/env node
// Generates golden data for the cross-check on small random models: seeded models of seven rules
// that read one another through the mechanisms whose semantics decide missing variables and
// cycles (plafond, plancher, par défaut, abattement, moyenne, le maximum de, contexte,
// applicable si / non applicable si, est applicable, est non défini, remplace, rend non
// applicable, parents that may disable their children), evaluated by the reference engine in
// four situations, the seven rules in sequence on one engine per situation. The published models
// exercise these mechanisms on their own paths; random ones reach the corners (cycles through
// arguments read twice, nested contextes, replacements of parents).
//
//   node random-models.mjs --count N --seed S [--out DIR]
//
// Writes DIR/random-models.jsonl.gz: line 1 is the header (command, package versions, seed,
// situations, rules), then one model per line: {"id", "source": the model as JSON text (its
// key order is the rules' order, which the reference's type inference follows), "situations":
// [{"situation", "results": {rule: record}}]} (record format: lib/reference.mjs). Models the
// reference cannot load, or on which it overflows its stack (a rule whose applicability reads
// itself), are drawn again.

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';
import { TOOL_DIR, packageVersion } from './lib/models.mjs';
import { createEngine, evaluateRecord } from './lib/reference.mjs';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '300' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: path.join(TOOL_DIR, '..', '..', 'tests', 'rules-golden') },
  },
});

// mulberry32: a small seeded generator, the same sequence on every machine.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RULES = ['a', 'b', 'c', 'd', 'e', 'a . x', 'b . y'];
const SITUATIONS = [{}, { q: '7' }, { q: '7', p: 'oui' }, { p: 'non' }];

function modelGenerator(random) {
  const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
  const pick = (list) => list[Math.floor(random() * list.length)];
  const ref = () => pick([...RULES, 'q', 'p']);
  function condition(depth) {
    const k = random();
    if (k < 0.3) return { 'est non défini': ref() };
    if (k < 0.5) return { 'est applicable': ref() };
    if (k < 0.7) return `${ref()} > ${int(0, 50)}`;
    if (k < 0.85 || depth >= 2) return 'p';
    return { 'une de ces conditions': [condition(depth + 1), condition(depth + 1)] };
  }
  function expression(depth) {
    const k = random();
    if (depth > 2 || k < 0.22) return random() < 0.3 ? String(int(1, 100)) : ref();
    if (k < 0.35) return { [pick(['somme', 'produit', 'le maximum de', 'moyenne'])]: [expression(depth + 1), expression(depth + 1)] };
    if (k < 0.45) return { valeur: expression(depth + 1), plafond: `${ref()} + ${int(0, 5)}` };
    if (k < 0.52) return { valeur: expression(depth + 1), plancher: `${ref()} * 2` };
    if (k < 0.6) return { valeur: expression(depth + 1), 'par défaut': `${ref()} + 1` };
    if (k < 0.68) return { valeur: expression(depth + 1), 'non applicable si': condition(depth + 1) };
    if (k < 0.74) return { valeur: expression(depth + 1), 'applicable si': condition(depth + 1) };
    if (k < 0.8) return { valeur: expression(depth + 1), contexte: { [pick(['q', 'a', 'c'])]: String(int(1, 9)) } };
    if (k < 0.86) return { valeur: expression(depth + 1), abattement: `${ref()} + 2` };
    return { variations: [{ si: condition(depth + 1), alors: expression(depth + 1) }, { sinon: expression(depth + 1) }] };
  }
  return () => {
    const model = { q: { question: 'Q ?' }, p: { question: 'P ?' } };
    for (const name of RULES) model[name] = { valeur: expression(0) };
    if (random() < 0.4) model.a = { valeur: condition(0) };  // a boolean parent: may disable `a . x`
    const replacements = int(0, 2);
    for (let k = 0; k < replacements; k++) {
      let rule = { remplace: pick(RULES), valeur: expression(1) };
      if (random() < 0.3) rule = { 'rend non applicable': pick(RULES) };
      else if (random() < 0.3) rule.remplace = { 'références à': pick(RULES), 'sauf dans': pick(RULES) };
      if (random() < 0.4) rule['non applicable si'] = condition(1);
      model[`r${k}`] = rule;
    }
    return model;
  };
}

// The reference's results for `model`, or null when it cannot load it or overflows its stack.
function evaluate(model) {
  let engine;
  try {
    engine = createEngine(model);
  } catch {
    return null;
  }
  const situations = [];
  for (const situation of SITUATIONS) {
    engine.setSituation(situation);
    const results = {};
    for (const rule of RULES) {
      results[rule] = evaluateRecord(engine, rule);
      if (results[rule].error?.includes('call stack')) return null;
    }
    situations.push({ situation, results });
  }
  return situations;
}

const count = Number(args.count);
const next = modelGenerator(rng(Number(args.seed)));
const lines = [JSON.stringify({
  model: 'random-models',
  command: `node tools/publicodes-ref/random-models.mjs --count ${count} --seed ${args.seed}`,
  packages: { publicodes: packageVersion('publicodes') },
  seed: args.seed,
  count,
  situations: SITUATIONS,
  rules: RULES,
})];
let drawn = 0;
while (lines.length <= count) {
  const model = next();
  drawn++;
  const situations = evaluate(model);
  if (situations === null) continue;
  lines.push(JSON.stringify({ id: lines.length - 1, source: JSON.stringify(model), situations }));
}
fs.mkdirSync(args.out, { recursive: true });
const file = path.join(args.out, 'random-models.jsonl.gz');
fs.writeFileSync(file, zlib.gzipSync(lines.join('\n') + '\n', { level: 9 }));
console.error(`random-models: ${count} models (${drawn - count} drawn again) -> ${file}`);
