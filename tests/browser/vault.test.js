// The vault's citizen pages, logged in as the demo usager: "Mes informations" (with a rejected
// then an accepted value), "Mes consentements" and "Qui a consulté mes données" have no axe-core
// violation in French and English, work without JavaScript, and never show a sensitive value
// in full.
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

async function loggedInPage(lang) {
  const context = await browser.newContext({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB' });
  const page = await context.newPage();
  await page.goto(inLanguage(server.baseUrl, '/connexion', lang));
  await page.check('input[name="role"][value="usager"]');
  await page.click('form[action="/connexion/demo"] button[type="submit"]');
  return { context, page };
}

async function checkPage(page, name) {
  assert.equal(await page.locator('h1').count(), 1, `${name}: exactly one h1`);
  await screenshot(page, name);
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
}

for (const lang of ['fr', 'en']) {
  test(`vault pages (${lang}) are accessible and keep sensitive values masked`, async () => {
    const { context, page } = await loggedInPage(lang);
    try {
      let response = await page.goto(inLanguage(server.baseUrl, '/mes-informations', lang));
      assert.equal(response.status(), 200);
      await checkPage(page, `vault-info-${lang}`);

      // A NIR with a wrong key: the form comes back with an error summary, nothing is saved.
      await page.selectOption('#nom', 'individu . NIR');
      await page.fill('#valeur', '2 94 03 75 120 005 92');
      await page.click('form[action="/mes-informations"] button[type="submit"]');
      assert.match(await page.title(), lang === 'fr' ? /^Erreur/ : /^Error/);
      assert.equal(await page.locator('.pc-error-summary a[href="#valeur"]').count(), 1);
      // The vault's reason, worded in the page's language; what was typed is kept.
      const nirError = await page.textContent('.pc-error-summary');
      assert.ok(nirError.includes(lang === 'fr'
        ? 'La clé du numéro de sécurité sociale ne correspond pas : vérifiez le numéro.'
        : 'The key of the social security number does not match: check the number.'), nirError);
      assert.equal(await page.inputValue('#valeur'), '2 94 03 75 120 005 92');
      await checkPage(page, `vault-info-error-${lang}`);

      // The right key: saved, and shown masked.
      await page.selectOption('#nom', 'individu . NIR');
      await page.fill('#valeur', '2 94 03 75 120 005 91');
      await page.click('form[action="/mes-informations"] button[type="submit"]');
      const body = await page.textContent('main');
      assert.ok(!body.includes('294037512000591') && !body.includes('2 94 03 75 120 005 91'), 'NIR masked');
      assert.match(body, /••••[ \d]*91/, 'the NIR is shown masked');

      // A household member: a birth date in the future is refused, then the child is added.
      await page.fill('#prenom', 'Lou');
      await page.check('#role-enfant');
      await page.fill('#naissance', '01/01/2199');
      await page.click('form[action="/mes-informations/foyer"] button[type="submit"]');
      assert.equal(await page.locator('.pc-error-summary a[href="#naissance"]').count(), 1);
      assert.ok((await page.textContent('.pc-error-summary')).includes(lang === 'fr'
        ? 'La date de naissance ne peut pas être dans le futur.' : 'The date of birth cannot be in the future.'));
      assert.equal(await page.inputValue('#prenom'), 'Lou');
      await checkPage(page, `vault-household-error-${lang}`);
      await page.fill('#naissance', '01/11/2026');
      await page.click('form[action="/mes-informations/foyer"] button[type="submit"]');
      assert.ok((await page.textContent('main')).includes('Lou'), 'the child is listed');

      response = await page.goto(inLanguage(server.baseUrl, '/mes-consentements', lang));
      assert.equal(response.status(), 200);
      await checkPage(page, `vault-consents-${lang}`);

      response = await page.goto(inLanguage(server.baseUrl, '/qui-a-consulte', lang));
      assert.equal(response.status(), 200);
      await checkPage(page, `vault-access-log-${lang}`);

      response = await page.goto(inLanguage(server.baseUrl, '/mes-informations/effacement', lang));
      assert.equal(response.status(), 200);
      await checkPage(page, `vault-erase-${lang}`);
    } finally {
      await context.close();
    }
  });
}
