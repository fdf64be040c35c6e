// Life events and journeys, end to end in Chromium (pages without scripts), logged in as the demo
// usager: Karim's move (story 1: carte grise deadline, school step, Lyon's bike aid with its
// amount and why) and Camille's birth (story 2: not married -> reconnaissance; married -> not
// concerned), with invalid input kept and reported, statuses saved in any order, and axe-core
// finding no violation on any journey page in French and English.
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

async function loggedInPage(lang) {
  // The pages carry no script and every form posts natively; JavaScript stays on only so that
  // axe-core can be injected.
  const context = await browser.newContext({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB' });
  const page = await context.newPage();
  await page.goto(inLanguage(server.baseUrl, '/connexion', lang));
  // The demo login form, posted through the context (same cookies) with its CSRF token.
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

async function submit(page, action) {
  await page.click(`form[action="${action}"] button[type="submit"]`);
}

for (const lang of ['fr', 'en']) {
  test(`déménager end to end (${lang})`, async () => {
    const { context, page } = await loggedInPage(lang);
    try {
      let response = await page.goto(inLanguage(server.baseUrl, '/evenements', lang));
      assert.equal(response.status(), 200);
      await checkPage(page, `journeys-events-${lang}`);

      await page.click('a[href="/evenements/demenager"]');
      await checkPage(page, `journeys-start-demenager-${lang}`);

      // No date and a malformed income: both reported, what was typed is kept.
      await page.fill('#q-8', 'trente mille');
      await page.check('#q-1-oui');
      await submit(page, '/evenements/demenager');
      assert.match(await page.title(), /^(Erreur|Error)/);
      assert.equal(await page.locator('.pc-error-summary a[href="#q-8"]').count(), 1);
      assert.equal(await page.locator('.pc-error-summary a[href="#event_date"]').count(), 1);
      assert.equal(await page.inputValue('#q-8'), 'trente mille');
      assert.equal(await page.isChecked('#q-1-oui'), true);
      // The message is in the page's language, with the question's label in that language.
      const startErrors = await page.textContent('.pc-error-summary');
      assert.ok(startErrors.includes(lang === 'fr'
        ? '« Revenu fiscal de référence du foyer (en euros) » : saisissez un nombre (par exemple 1200 ou 1200,50).'
        : '“Household reference tax income (euros)”: enter a number (for example 1200 or 1200.50).'), startErrors);
      await checkPage(page, `journeys-start-error-${lang}`);

      // Karim: a car, children at school, renting, CAF, moving to the Métropole de Lyon.
      await page.fill('#event_date', inDays(20));
      for (const id of ['#q-0-oui', '#q-1-oui', '#q-2-oui', '#q-3-oui', '#q-4-oui', '#q-5-non', '#q-6-non', '#q-7-c0', '#q-10-c1']) {
        await page.check(id);
      }
      await page.fill('#q-8', '30000');
      await page.fill('#q-9', '3');
      await page.fill('#q-11', '1500');
      await submit(page, '/evenements/demenager');
      assert.match(page.url(), /\/mes-parcours\/[0-9a-f-]{36}$/);
      const plan = page.url();
      const tasks = await page.locator('.pc-task-list').innerText();
      assert.match(tasks, lang === 'fr' ? /carte grise/ : /vehicle registration/);
      assert.match(tasks, lang === 'fr' ? /école/ : /school/);
      assert.match(tasks, lang === 'fr' ? /vélo/ : /[Bb]ike/);
      assert.ok(await page.locator('.pc-task-list__deadline').count() >= 1);
      await checkPage(page, `journeys-plan-demenager-${lang}`);

      // The bike aid of the Métropole de Lyon, computed by @betagouv/aides-velo, with why.
      await page.click('a[href$="/etapes/aide-velo"]');
      const aids = await page.locator('table.pc-table').first().innerText();
      assert.match(aids, /Lyon/);
      assert.match(aids, /400/);
      await checkPage(page, `journeys-step-aide-velo-${lang}`);

      // A step's form with a value out of range: refused in the page's language, nothing typed lost.
      await page.fill('#q-9', '25');
      await page.fill('#q-11', '2000');
      await submit(page, new URL(page.url()).pathname);
      assert.match(await page.title(), /^(Erreur|Error)/);
      assert.equal(await page.locator('.pc-error-summary a[href="#q-9"]').count(), 1);
      const stepErrors = await page.textContent('.pc-error-summary');
      assert.ok(stepErrors.includes(lang === 'fr'
        ? '« Nombre de parts fiscales » : la valeur doit être comprise entre 1 et 20.'
        : '“Number of tax shares”: the value must be between 1 and 20.'), stepErrors);
      if (lang === 'en') assert.ok(!/valeur|saisissez|Nombre de parts/.test(stepErrors), `French on an English page: ${stepErrors}`);
      assert.equal(await page.inputValue('#q-9'), '25');
      assert.equal(await page.inputValue('#q-11'), '2000');
      await checkPage(page, `journeys-step-error-${lang}`);

      // Non-linear progress: the carte grise is done first.
      await page.goto(`${plan}/etapes/carte-grise`);
      await checkPage(page, `journeys-step-carte-grise-${lang}`);
      await page.check('#statut-terminee');
      await submit(page, new URL(page.url()).pathname);
      assert.match(page.url(), /\?ok=1$/);
      await page.goto(plan);
      const row = page.locator('.pc-task-list__item', { has: page.locator('a[href$="/etapes/carte-grise"]') });
      assert.match(await row.innerText(), lang === 'fr' ? /Terminée/ : /Done/);
    } finally {
      await context.close();
    }
  });

  test(`devenir parent end to end (${lang})`, async () => {
    const { context, page } = await loggedInPage(lang);
    try {
      await page.goto(inLanguage(server.baseUrl, '/evenements/devenir-parent', lang));
      await page.fill('#event_date', inDays(40));
      await page.check('#q-0-non');  // Camille is not married to the other parent
      await page.check('#q-5-oui');
      await submit(page, '/evenements/devenir-parent');
      assert.match(page.url(), /\/mes-parcours\/[0-9a-f-]{36}$/);
      const firstPlan = page.url();
      assert.equal(await page.locator('.pc-task-list a[href$="/etapes/reconnaissance-anticipee"]').count(), 1);
      assert.equal(await page.locator('.pc-task-list a[href$="/etapes/declaration-naissance"]').count(), 1);
      await checkPage(page, `journeys-plan-parent-${lang}`);

      // The next questions change the plan: an out-of-range answer is refused and kept.
      if (await page.locator('#q-3').count()) {
        await page.fill('#q-3', '99');
        await submit(page, new URL(firstPlan).pathname);
        assert.equal(await page.locator('.pc-error-summary a[href="#q-3"]').count(), 1);
        assert.equal(await page.inputValue('#q-3'), '99');
        await checkPage(page, `journeys-plan-error-${lang}`);
        await page.fill('#q-3', '0');
        await submit(page, new URL(firstPlan).pathname);
        assert.match(page.url(), /\?ok=1$/);
      }

      await page.goto(`${firstPlan}/etapes/declaration-naissance`);
      await checkPage(page, `journeys-step-naissance-${lang}`);
      await page.check('#statut-en_cours');
      await submit(page, new URL(page.url()).pathname);
      await checkPage(page, `journeys-step-saved-${lang}`);

      // Married after all: the reconnaissance no longer concerns her.
      await page.goto(inLanguage(server.baseUrl, '/evenements/devenir-parent', lang));
      assert.equal(await page.isChecked('#q-0-non'), true, 'the form is prefilled with what she told');
      await page.fill('#event_date', inDays(40));
      await page.check('#q-0-oui');
      await submit(page, '/evenements/devenir-parent');
      await page.goto(firstPlan);
      assert.equal(await page.locator('.pc-task-list a[href$="/etapes/reconnaissance-anticipee"]').count(), 0);
      assert.equal(await page.locator('ul.pc-list a[href$="/etapes/reconnaissance-anticipee"]').count(), 1);

      const response = await page.goto(inLanguage(server.baseUrl, '/mes-parcours', lang));
      assert.equal(response.status(), 200);
      await checkPage(page, `journeys-mine-${lang}`);
    } finally {
      await context.close();
    }
  });

  test(`a refused page speaks the page's language (${lang})`, async () => {
    const { context, page } = await loggedInPage(lang);
    try {
      const expected = lang === 'fr'
        ? ['Événement de vie inconnu.', 'Parcours introuvable.']
        : ['This life event does not exist.', 'This journey does not exist or is no longer available.'];
      let response = await page.goto(inLanguage(server.baseUrl, '/evenements/inexistant', lang));
      assert.equal(response.status(), 404);
      assert.equal((await page.textContent('main h1 + p')).trim(), expected[0]);
      await checkPage(page, `journeys-unknown-event-${lang}`);
      response = await page.goto(
        inLanguage(server.baseUrl, '/mes-parcours/00000000-0000-4000-8000-000000000000', lang));
      assert.equal(response.status(), 404);
      assert.equal((await page.textContent('main h1 + p')).trim(), expected[1]);
      await checkPage(page, `journeys-unknown-journey-${lang}`);
    } finally {
      await context.close();
    }
  });
}
