// Evaluation with the reference engine (npm `publicodes`), recorded in the golden format
// the C++ cross-check reads back:
//   {k: kind, v: value, u: unit, m: [missing variables, sorted], s: [[index in m, score]...] in
//    the reference's order of the missing variables, c: cycle warnings}   or   {error: message}
// kind is "number" | "boolean" | "string" | "null" (non applicable) | "undefined" (non défini);
// v is absent for null/undefined, unit is the reference's serializeUnit() ("" when none).

import Engine, { serializeUnit } from 'publicodes';

export const ENGINE_OPTIONS = {};  // reference defaults: strict situation, no possibility filter

// Logs nothing; counts the cycle warnings ("Un cycle a été détecté...") of each evaluation.
let cycleWarnings = 0;
const countingLogger = {
  log() {},
  warn(message) {
    if (String(message).includes('Un cycle a été détecté')) cycleWarnings++;
  },
  error() {},
};

export function createEngine(rules) {
  return new Engine(rules, { ...ENGINE_OPTIONS, logger: countingLogger });
}

function kindOf(value) {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  return typeof value;  // number | boolean | string
}

export function record(node) {
  const value = node.nodeValue;
  const result = { k: kindOf(value) };
  if (value !== null && value !== undefined) {
    result.v = typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
  }
  result.u = serializeUnit(node.unit) ?? '';
  result.m = Object.keys(node.missingVariables ?? {}).sort();
  result.s = Object.entries(node.missingVariables ?? {}).map(([name, score]) => [result.m.indexOf(name), score]);
  return result;
}

export function evaluateRecord(engine, rule) {
  try {
    cycleWarnings = 0;
    const result = record(engine.evaluate(rule));
    result.c = cycleWarnings;  // the cycles the reference reported while evaluating the rule
    return result;
  } catch (error) {
    // The reference's messages span several lines ("[ Erreur d'évaluation ] ➡️ Dans la règle ...").
    return { error: String(error?.message ?? error).trim().replace(/\s+/g, ' ').slice(0, 400) };
  }
}

// Sets `situation`, dropping the entries the reference rejects on their own (unknown rule,
// value it cannot parse...). Returns the situation actually set.
export function setSituationLenient(engine, situation) {
  try {
    engine.setSituation(situation);
    return situation;
  } catch {
    const kept = {};
    for (const [name, value] of Object.entries(situation)) {
      try {
        engine.setSituation({ [name]: value });
        kept[name] = value;
      } catch {
        // rejected alone: not part of the recorded situation
      }
    }
    try {
      engine.setSituation(kept);
      return kept;
    } catch {
      engine.setSituation({});
      return null;
    }
  }
}
