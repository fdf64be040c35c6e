// Seeded situations for one model: each input the model asks about (see questions.mjs) is
// answered with a per-situation probability, then the model-specific inputs are added.

import { Random } from './random.mjs';
import { deriveInputs, flattenRules, sampleValue } from './questions.mjs';
import { MODELS } from './models.mjs';

export function situationGenerator(model, rules, seed) {
  const config = MODELS[model];
  const inputs = deriveInputs(flattenRules(rules));
  const rng = new Random(`${model}:${seed}`);
  return {
    inputs,
    async next() {
      const [lo, hi] = config.inputProbability;
      const p = rng.uniform(lo, hi);
      const situation = {};
      for (const input of inputs) {
        if (!rng.chance(p)) continue;
        const value = sampleValue(input, rng);
        if (value !== undefined) situation[input.name] = value;
      }
      Object.assign(situation, await config.extraInputs(rng));
      return situation;
    },
  };
}
