// "Dites-le nous une fois" in Chromium: the demo usager completes a first journey (déménager),
// then starts a second (prendre les transports) and is asked nothing already known: the known
// answers are shown apart, prefilled, with where they came from; she corrects one; the vault
// pages show the values with their provenance and the journeys' reads; each step ends with a
// "Je donne mon avis" link carrying the journey, the step and the administration. axe-core
// finds no violation on these pages, in French and English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ParcoursServer } from './server.js';
import { launchBrowser, axeViolations, screenshot, inLanguage } from './browser.js';

let server;
let browser;

before(async () => {
  server = await new ParcoursServer({ env: { PARCOURS_DEMO: 'true' } }).start();
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) {
    await server.stop();
    server.cleanup();
  }
});

const inDays = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
const EPCI = 'input[name="localisation . epci"]';
const INCOME = 'input[name="revenu fiscal de référence par part . revenu de référence"]';
const BIKE = 'input[name="transport . projet vélo"]';

async function loggedInPage(lang) {
  const context = await browser.newContext({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB' });
  const page = await context.newPage();
  await page.goto(inLanguage(server.baseUrl, '/connexion', lang));
  const token = await page.inputValue('form[action="/connexion/demo"] input[name="csrf_token"]');
  const login = await context.request.post(`${server.baseUrl}/connexion/demo`,
    { form: { csrf_token: token, role: 'usager' }, maxRedirects: 0 });
  assert.ok(login.status() < 400, `demo login: ${login.status()}`);
  return { context, page };
}

async function checkPage(page, name) {
  assert.equal(await page.locator('h1').count(), 1, `${name}: exactly one h1`);
  await screenshot(page, name);
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${name}: ${JSON.stringify(violations, null, 2)}`);
}

test('a second journey asks nothing already known (fr), then the pages in English', async () => {
  const { context, page } = await loggedInPage('fr');
  try {
    // First journey: nothing is known yet, everything is asked.
    await page.goto(`${server.baseUrl}/evenements/demenager`);
    assert.equal(await page.locator('#deja-connu').count(), 0);
    await page.fill('#event_date', inDays(20));
    await page.check(`${EPCI}[value="c1"]`);  // Bordeaux Métropole
    await page.fill(INCOME, '18000');
    await page.check('input[name="logement . locataire"][value="oui"]');
    await page.click('form[action="/evenements/demenager"] button[type="submit"]');
    assert.match(page.url(), /\/mes-parcours\/[0-9a-f-]{36}$/);
    const plan = page.url();

    // The end of the journey and of each step: "Je donne mon avis".
    assert.equal(await page.locator('a[href="/avis?parcours=demenager"]').count(), 1);
    await page.goto(`${plan}/etapes/adresse-impots`);
    const feedback = page.locator('a[href^="/avis?"]');
    assert.equal(await feedback.getAttribute('href'), '/avis?parcours=demenager&etape=adresse-impots&service=dgfip');
    await feedback.click();
    assert.equal(await page.inputValue('input[name="parcours"]'), 'demenager');
    assert.equal(await page.inputValue('input[name="etape"]'), 'adresse-impots');
    assert.equal(await page.inputValue('input[name="service"]'), 'dgfip');

    // Second journey: what the first one learnt sits apart, prefilled, with its provenance.
    await page.goto(`${server.baseUrl}/evenements/prendre-les-transports`);
    await checkPage(page, 'journeys-vault-second-start-fr');
    for (const known of [EPCI, INCOME]) {
      assert.ok(await page.locator(`#deja-connu ${known}`).count() > 0, `${known} is shown as known`);
      assert.equal(await page.locator(`#a-completer ${known}`).count(), 0, `${known} is not asked again`);
    }
    assert.equal(await page.inputValue(`#deja-connu ${INCOME}`), '18000');
    assert.ok(await page.locator(`#deja-connu ${EPCI}:checked`).count() === 1);
    assert.match(await page.locator('#deja-connu').innerText(), /Déjà connu : Déclaré par vous, le \d\d\/\d\d\/\d{4}/);
    assert.ok(await page.locator(`#a-completer ${BIKE}`).count() > 0, 'what is unknown is asked');

    // She corrects her income and answers the new question.
    await page.fill('#event_date', inDays(25));
    await page.fill(`#deja-connu ${INCOME}`, '19000');
    await page.check(`${BIKE}[value="oui"]`);
    await page.click('form[action="/evenements/prendre-les-transports"] button[type="submit"]');
    assert.match(page.url(), /\/mes-parcours\/[0-9a-f-]{36}$/);

    // Mes informations: the values with their provenance (sensitive ones masked).
    await page.goto(`${server.baseUrl}/mes-informations`);
    const info = await page.locator('main').innerText();
    assert.match(info, /Intercommunalité de votre nouvelle adresse/);
    assert.match(info, /Déclaré par vous/);
    assert.match(info, /locataire/);
    await checkPage(page, 'journeys-vault-info-fr');

    // Qui a consulté mes données: the journeys' reads, with their purpose.
    await page.goto(`${server.baseUrl}/qui-a-consulte`);
    const log = await page.locator('main').innerText();
    assert.match(log, /Calcul de votre parcours « Déménager »/);
    assert.match(log, /Calcul de votre parcours « Prendre les transports »/);
    await checkPage(page, 'journeys-vault-access-log-fr');

    // The same pages in English.
    for (const path of ['/evenements/prendre-les-transports', '/mes-informations', '/qui-a-consulte']) {
      await page.goto(inLanguage(server.baseUrl, path, 'en'));
      await checkPage(page, `journeys-vault${path.replaceAll('/', '-')}-en`);
    }
  } finally {
    await context.close();
  }
});
