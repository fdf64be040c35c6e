// Derives the inputs of a compiled Publicodes model from its own metadata (rules with a
// `question`, their `une possibilité` options, units, defaults, suggestions, bounds) and
// samples situation values for them. Values are Publicodes expressions as strings, the form
// both engines accept in a situation.

const DATE_RE = /^(\d{2}\/)?\d{2}\/\d{4}$/;
const NUMBER_WITH_UNIT_RE = /^\s*(-?\d+(?:\.\d+)?)\s*([^\s\d].*)?$/;

function isObject(x) { return x !== null && typeof x === 'object' && !Array.isArray(x); }

function isPrivate(name, body) {
  return name.split(' . ').some((part) => part.startsWith('[privé]')) ||
      (isObject(body) && (body['privé'] === 'oui' || body['privé'] === true));
}

// Options of `une possibilité` (mechanism, possibly nested under valeur/formule) or of the
// `une possibilité parmi` / `possibilités` metadata some models use.
function possibilitiesOf(body) {
  const candidates = [body['une possibilité'], body['une possibilité parmi'], body['possibilités'],
    isObject(body.valeur) ? body.valeur['une possibilité'] : undefined,
    isObject(body.formule) ? body.formule['une possibilité'] : undefined];
  for (const c of candidates) {
    if (c === undefined || c === null) continue;
    const list = Array.isArray(c) ? c : (isObject(c) && Array.isArray(c['possibilités']) ? c['possibilités'] : null);
    if (!list) continue;
    const options = list.map((o) => (isObject(o) ? Object.keys(o)[0] : o)).filter((o) => o !== undefined);
    if (options.length > 0) return options;
  }
  return null;
}

// "12 €/mois" -> {number: 12, unit: '€/mois'}; plain numbers -> {number, unit: ''}.
function parseNumberLiteral(x) {
  if (typeof x === 'number') return { number: x, unit: '' };
  if (typeof x !== 'string') return null;
  const m = NUMBER_WITH_UNIT_RE.exec(x);
  if (!m) return null;
  return { number: Number(m[1]), unit: (m[2] ?? '').trim() };
}

// French yes/no questions ("Êtes-vous auto-entrepreneur ?", "Le vélo est-il neuf ?").
function isYesNoQuestion(question) {
  if (typeof question !== 'string' || !/\?\s*$/.test(question)) return false;
  if (/\b(quel|quelle|quels|quelles|combien|comment|quand|où|pourquoi|lequel|laquelle)\b|qu['’]/i.test(question)) return false;
  return /-(vous|il|elle|ils|elles|t-il|t-elle)\b|^est-ce/i.test(question);
}

function isBooleanLiteral(x) { return x === 'oui' || x === 'non' || x === true || x === false; }
function isStringLiteral(x) { return typeof x === 'string' && /^(['"]).*\1$/.test(x.trim()); }

// Typical magnitude for a unit when the model gives no better hint.
function rangeForUnit(unit, type) {
  const u = unit.replace(/\s/g, '');
  if (u === '%') return [0, 100];
  if (/^k?€\/mois$/.test(u)) return [0, 12000];
  if (/^k?€\/an$/.test(u)) return [0, 150000];
  if (/^k?€(\/|$)/.test(u)) return [0, 50000];
  if (/^(an|ans|années?)$/.test(u)) return [0, 70];
  if (/^mois$/.test(u)) return [0, 36];
  if (/^jours?($|\/)/.test(u)) return [0, 7];
  if (/^heures?\//.test(u)) return [0, 200];
  if (/^(enfants?|personnes?|salariés?|logements?|lots?|équipements?|parts?)$/.test(u)) return [0, 8];
  if (/^km/.test(u)) return [0, 20000];
  if (/^m2|m²/.test(u)) return [5, 300];
  if (/^(degrés?|°C)$/.test(u)) return [0, 25];
  if (type === 'entier') return [0, 10];
  return [0, 1000];
}

// Keys that give a rule a value of its own: such a rule is computed, not asked.
const VALUE_KEYS = new Set(['valeur', 'formule', 'somme', 'produit', 'multiplication', 'moyenne', 'variations',
  'une de ces conditions', 'toutes ces conditions', 'le maximum de', 'le minimum de', 'barème', 'grille',
  'taux progressif', 'texte', 'durée', 'condition', 'inversion numérique', 'est défini', 'est non défini',
  'est applicable', 'est non applicable', 'logarithme', 'contexte', 'une possibilité', 'remplace',
  'rend non applicable', '+', '-', '*', '/', '<', '>', '<=', '>=', '=', '!=', 'et', 'ou']);

// A boolean the app sets without asking a question: `par défaut: oui|non` and no value.
function isSilentBooleanInput(body) {
  return isObject(body) && !('question' in body) && isBooleanLiteral(body['par défaut']) &&
      !Object.keys(body).some((key) => VALUE_KEYS.has(key));
}

// Builds the list of inputs of `rules`: {name, kind: enum|boolean|number|date|string, ...}.
export function deriveInputs(rules) {
  const names = Object.keys(rules);
  const inputs = [];
  for (const name of names) {
    const body = rules[name];
    if (isPrivate(name, body)) continue;
    if (isSilentBooleanInput(body)) {
      inputs.push({ name, default: body['par défaut'], kind: 'boolean' });
      continue;
    }
    if (!isObject(body) || !('question' in body)) continue;
    const def = body['par défaut'] ?? body['par defaut'];
    const options = possibilitiesOf(body);
    const type = body.type;
    const unit = typeof body['unité'] === 'string' ? body['unité'] : (typeof body.unite === 'string' ? body.unite : null);
    const input = { name, default: def };
    if (options) {
      Object.assign(input, { kind: 'enum', options });
    } else if (type === 'booléen' || type === 'boolean' || isBooleanLiteral(def) ||
               (!unit && !type && !parseNumberLiteral(def) && !isStringLiteral(def) && isYesNoQuestion(body.question))) {
      input.kind = 'boolean';
    } else if (type === 'date' || (typeof def === 'string' && DATE_RE.test(def.trim()))) {
      input.kind = 'date';
    } else if (type === 'texte' || type === 'string' || isStringLiteral(def) ||
               (isObject(def) && 'texte' in def)) {
      input.kind = 'string';
      if (isObject(body.suggestions)) input.suggestions = Object.values(body.suggestions).filter(isStringLiteral);
    } else {
      const literal = parseNumberLiteral(def);
      const numericUnit = unit ?? (literal ? literal.unit : '');
      if (!literal && !unit && !['nombre', 'entier'].includes(type) && !isObject(body.suggestions) &&
          !isObject(body.aide)) {
        continue;  // a computed default with no unit: type unknown, leave it to the model
      }
      input.kind = 'number';
      input.unit = numericUnit;
      input.integer = type === 'entier' || / \. nombre$/.test(name) ||
          /^(enfants?|personnes?|logements?|lots?|équipements?)$/.test(numericUnit);
      input.suggestions = [];
      for (const s of [...Object.values(isObject(body.suggestions) ? body.suggestions : {}),
                       ...Object.values(isObject(body.aide) ? body.aide : {})]) {
        const p = parseNumberLiteral(s);
        if (p) input.suggestions.push(p.number);
      }
      let [lo, hi] = rangeForUnit(numericUnit, type);
      const anchor = Math.max(literal?.number ?? 0, ...input.suggestions);
      if (anchor > 0) hi = anchor * 2.5;  // the model's own scale beats the unit's guess
      const floor = parseNumberLiteral(body.plancher);
      const ceil = parseNumberLiteral(body.plafond);
      if (floor) lo = Math.max(lo, floor.number);
      if (ceil && ceil.number > lo) hi = Math.min(hi, ceil.number);
      if (hi <= lo) hi = lo + 1;
      input.range = [lo, hi];
    }
    inputs.push(input);
  }
  return inputs;
}

function formatNumber(x, integer) {
  if (integer) return String(Math.round(x));
  return String(Math.round(x * 100) / 100);
}

function formatDate(rng) {
  const y = rng.int(1990, 2030), m = rng.int(1, 12), d = rng.int(1, 28);
  return `${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${y}`;
}

function quote(option) {
  if (typeof option === 'number') return option;
  const s = String(option).trim();
  return isStringLiteral(s) ? s : `'${s}'`;
}

// One value for `input`, or undefined when the generator has nothing sensible to offer.
export function sampleValue(input, rng) {
  switch (input.kind) {
    case 'enum':
      return quote(rng.pick(input.options));
    case 'boolean':
      return rng.chance(0.5) ? 'oui' : 'non';
    case 'date':
      return formatDate(rng);
    case 'string':
      return input.suggestions?.length ? rng.pick(input.suggestions) : undefined;
    case 'number': {
      let x;
      if (input.suggestions.length && rng.chance(0.35)) x = rng.pick(input.suggestions);
      else if (rng.chance(0.08)) x = input.range[0];
      else if (input.range[0] >= 0 && input.range[1] > 50 && !input.integer && rng.chance(0.6)) {
        x = rng.logUniform(Math.max(input.range[0], 1), input.range[1]);
      } else x = rng.uniform(input.range[0], input.range[1]);
      const text = formatNumber(x, input.integer);
      return input.unit ? `${text} ${input.unit}` : text;
    }
    default:
      return undefined;
  }
}

// The compiled JSON keeps `avec:` blocks; expands them into a flat {name: body} map
// (children named `parent . child`), the namespace the engine itself builds.
export function flattenRules(rules) {
  const flat = {};
  const visit = (name, body) => {
    flat[name] = body;
    if (isObject(body) && isObject(body.avec)) {
      for (const [child, childBody] of Object.entries(body.avec)) visit(`${name} . ${child}`, childBody);
    }
  };
  for (const [name, body] of Object.entries(rules)) visit(name, body);
  return flat;
}
