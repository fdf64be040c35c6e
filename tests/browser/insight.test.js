// Indicators and feedback, in Chromium (pages without scripts): "Je donne mon avis" with its
// errors kept and reported, then the pilote pages (home, journey and service dashboards, a
// filter out of range) and the open-data page in French and English, with axe-core finding no
// violation.
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

async function newPage(lang, role) {
  const context = await browser.newContext({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB' });
  const page = await context.newPage();
  if (role) {
    await page.goto(inLanguage(server.baseUrl, '/connexion', lang));
    const token = await page.inputValue('form[action="/connexion/demo"] input[name="csrf_token"]');
    const login = await context.request.post(`${server.baseUrl}/connexion/demo`,
      { form: { csrf_token: token, role }, maxRedirects: 0 });
    assert.ok(login.status() < 400, `demo login: ${login.status()}`);
  }
  return { context, page };
}

async function checkPage(page, name) {
  assert.equal(await page.locator('h1').count(), 1, `${name}: exactly one h1`);
  await screenshot(page, name);
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${name}: ${JSON.stringify(violations, null, 2)}`);
}

for (const lang of ['fr', 'en']) {
  test(`feedback form and pilote dashboards (${lang})`, async () => {
    const { context, page } = await newPage(lang, 'pilote');
    try {
      let response = await page.goto(inLanguage(server.baseUrl, '/avis?parcours=demenager', lang));
      assert.equal(response.status(), 200);
      await checkPage(page, `insight-feedback-${lang}`);
      // No satisfaction and an NPS out of range: both reported, the comment kept.
      await page.fill('#avis-recommandation', '12');
      await page.fill('#avis-commentaire', 'Trop de pages');
      await page.click('form[action="/avis"] button[type="submit"]');
      assert.equal(await page.locator('.pc-error-summary li').count(), 2);
      // Worded in the page's language from each error's reason.
      const summary = await page.locator('.pc-error-summary').innerText();
      assert.match(summary, lang === 'en' ? /Choose a score from 0 to 10/ : /Choisissez une note de 0 à 10/);
      assert.match(summary, lang === 'en' ? /Tell us how the procedure went/ : /Dites-nous comment s'est passée la démarche/);
      assert.equal(await page.inputValue('#avis-commentaire'), 'Trop de pages');
      await checkPage(page, `insight-feedback-errors-${lang}`);
      await page.check('#avis-satisfaction-moyen');
      await page.fill('#avis-recommandation', '7');
      await page.click('form[action="/avis"] button[type="submit"]');
      assert.equal(await page.locator('.pc-notice--success').count(), 1);

      response = await page.goto(inLanguage(server.baseUrl, '/pilote', lang));
      assert.equal(response.status(), 200);
      await checkPage(page, `insight-home-${lang}`);
      response = await page.goto(inLanguage(server.baseUrl, '/pilote/parcours/demenager', lang));
      assert.equal(response.status(), 200);
      assert.ok(await page.locator('table').count() >= 1);
      await checkPage(page, `insight-journey-${lang}`);
      response = await page.goto(inLanguage(server.baseUrl, '/pilote/services/caf?canal=web', lang));
      assert.equal(response.status(), 200);
      await checkPage(page, `insight-service-${lang}`);
      response = await page.goto(inLanguage(server.baseUrl, '/pilote/parcours/demenager?du=2026-13-40', lang));
      assert.equal(response.status(), 400);
      assert.equal(await page.locator('.pc-error-summary li').count(), 1);
      // The filter's error in the page's language.
      assert.match(await page.locator('.pc-error-summary li').innerText(),
                   lang === 'en' ? /Expected a date as YYYY-MM-DD/ : /Date attendue au format AAAA-MM-JJ/);
      await checkPage(page, `insight-journey-bad-filter-${lang}`);

      // The open-data page says up to when its figures are complete, as the dashboards do
      // (the background fold's first round may still be running: reloaded until it is done).
      const asOf = lang === 'fr' ? /Données à jour au \d/ : /Data up to date as of \d/;
      let text = '';
      for (let i = 0; i < 40 && !asOf.test(text); i++) {
        if (i > 0) await new Promise((resolve) => setTimeout(resolve, 250));
        response = await page.goto(inLanguage(server.baseUrl, '/donnees-ouvertes', lang));
        assert.equal(response.status(), 200);
        text = await page.locator('main').innerText();
      }
      assert.match(text, asOf);
      await checkPage(page, `insight-open-data-${lang}`);
    } finally {
      await context.close();
    }
  });
}
