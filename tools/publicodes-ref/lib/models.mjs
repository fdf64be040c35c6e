// The four published models the Parcours rules engine is checked against: where each npm
// package ships its compiled rules, which rules are compared, and the model-specific inputs
// that the model's own questions do not cover (the apps set them from other sources).

import fs from 'node:fs';
import path from 'node:path';

import { fileURLToPath } from 'node:url';


export const TOOL_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

export function packageVersion(name) {
  return JSON.parse(fs.readFileSync(path.join(TOOL_DIR, 'node_modules', name, 'package.json'), 'utf8')).version;
}

function readJson(relative) {
  return JSON.parse(fs.readFileSync(path.join(TOOL_DIR, 'node_modules', relative), 'utf8'));
}

// Communes (INSEE code, département, région, EPCI name), from the dataset aides-velo uses.
let communesCache = null;
export function communes() {
  if (communesCache) return communesCache;
  const epciOf = new Map();
  for (const epci of readJson('@etalab/decoupage-administratif/data/epci.json')) {
    for (const member of epci.membres) epciOf.set(member.code, epci);
  }
  communesCache = readJson('@etalab/decoupage-administratif/data/communes.json')
      .filter((c) => c.type === 'commune-actuelle' && c.departement && c.region)
      .map((c) => ({ code: c.code, departement: c.departement, region: c.region,
                     epci: epciOf.get(c.code)?.nom ?? null, epciCode: epciOf.get(c.code)?.code ?? null }));
  return communesCache;
}

const q = (s) => `'${s}'`;

// Aids-velo localisation: mostly inside the territory of a random aid, so that aids apply.
async function aidesVeloLocalisation(rng) {
  const { aidesAvecLocalisation } = await import('@betagouv/aides-velo/data');
  const all = communes();
  let commune = rng.pick(all);
  if (rng.chance(0.85)) {
    const { collectivity } = rng.pick(Object.values(aidesAvecLocalisation));
    if (collectivity.kind === 'pays') {
      const code = collectivity.value === 'monaco' || /monaco/i.test(collectivity.value) ? '99138' : '99137';
      return { 'localisation . code insee': q(code) };
    }
    const match = {
      'région': (c) => c.region === collectivity.value,
      'département': (c) => c.departement === collectivity.value,
      'epci': (c) => c.epciCode === collectivity.code || c.epci === collectivity.value,
      'code insee': (c) => c.code === collectivity.value,
    }[collectivity.kind];
    const candidates = match ? all.filter(match) : [];
    if (candidates.length) commune = rng.pick(candidates);
  }
  const situation = {
    'localisation . code insee': q(commune.code),
    'localisation . département': q(commune.departement),
    'localisation . région': q(commune.region),
  };
  if (commune.epci) situation['localisation . epci'] = q(commune.epci);
  return situation;
}

function mesAidesRenoCommunes(rng) {
  const all = communes();
  const home = rng.pick(all);
  const situation = {
    'ménage . commune': q(home.code),
    'ménage . code région': q(home.region),
    'ménage . code département': q(home.departement),
  };
  if (rng.chance(0.3)) {
    const other = rng.pick(all);
    situation['logement . commune'] = q(other.code);
    situation['logement . code département'] = q(other.departement);
  }
  return situation;
}

// name -> {packages, load(): rules object, source, mainRules(rules), extraInputs(rng), inputProbability}
export const MODELS = {
  'modele-social': {
    packages: ['publicodes', 'modele-social'],
    source: 'modele-social/dist/index.js (default export)',
    load: async () => (await import('modele-social')).default,
    mainRules: () => [
      'salarié . rémunération . net . à payer avant impôt',
      'salarié . rémunération . net . payé après impôt',
      'salarié . rémunération . net . imposable',
      'salarié . coût total employeur',
      'salarié . cotisations . salarié',
      'salarié . cotisations . employeur',
      'impôt . montant',
      'dirigeant . rémunération . net . après impôt',
      'dirigeant . auto-entrepreneur . cotisations et contributions',
      'dirigeant . auto-entrepreneur . revenu net',
    ],
    inputProbability: [0.02, 0.25],
    extraInputs: async (rng) => {
      const s = {};
      if (rng.chance(0.25)) {  // an auto-entrepreneur's turnover instead of a wage
        s['entreprise . catégorie juridique'] = "'EI'";
        s['entreprise . catégorie juridique . EI . auto-entrepreneur'] = 'oui';
        s["dirigeant . auto-entrepreneur . chiffre d'affaires"] = `${Math.round(rng.logUniform(100, 200000))} €/an`;
      } else if (rng.chance(0.95)) {
        const monthly = rng.chance(0.1) ? rng.uniform(0, 1800) : rng.logUniform(300, 25000);
        s['salarié . contrat . salaire brut'] = rng.chance(0.15)
          ? `${Math.round(monthly * 12)} €/an` : `${Math.round(monthly * 100) / 100} €/mois`;
      }
      return s;
    },
  },
  'aides-velo': {
    packages: ['publicodes', '@betagouv/aides-velo', '@etalab/decoupage-administratif'],
    source: '@betagouv/aides-velo/dist/publicodes-build (default export of "@betagouv/aides-velo/rules")',
    load: async () => (await import('@betagouv/aides-velo/rules')).default,
    // Every aid: the direct children of `aides` except the aggregates over them.
    mainRules: (rules) => Object.keys(rules).filter((name) => {
      const parts = name.split(' . ');
      return parts.length === 2 && parts[0] === 'aides';
    }),
    inputProbability: [0.2, 0.8],
    extraInputs: aidesVeloLocalisation,
  },
  'mesaidesreno': {
    packages: ['publicodes', 'mesaidesreno'],
    source: 'mesaidesreno/mesaidesreno.model.json',
    load: async () => readJson('mesaidesreno/mesaidesreno.model.json'),
    mainRules: () => [
      'MPR . accompagnée . éligible',
      'MPR . accompagnée . montant',
      'MPR . non accompagnée . éligible',
      'MPR . non accompagnée . montant',
      'ampleur . montant',
      'CEE . rénovation d\'ampleur . montant',
      'gestes . montant',
      'aides locales . montant',
      'denormandie . montant',
      'taxe foncière . montant',
      'PTZ . montant',
      'PAR . montant',
      'copropriété . montant',
    ],
    inputProbability: [0.1, 0.7],
    extraInputs: async (rng) => mesAidesRenoCommunes(rng),
  },
  'nosgestesclimat': {
    packages: ['publicodes', '@incubateur-ademe/nosgestesclimat'],
    source: '@incubateur-ademe/nosgestesclimat/nosgestesclimat.model.json',
    load: async () => readJson('@incubateur-ademe/nosgestesclimat/nosgestesclimat.model.json'),
    mainRules: () => ['bilan', 'transport', 'alimentation', 'logement', 'divers', 'services sociétaux'],
    inputProbability: [0.05, 0.6],
    extraInputs: async () => ({}),
  },
};

export function modelNames() { return Object.keys(MODELS); }

export function versionsOf(model) {
  const versions = {};
  for (const name of MODELS[model].packages) versions[name] = packageVersion(name);
  return versions;
}


