// "Mes déclarations", logged in as the demo usager: the new-declaration form (what each agency
// receives and why), its error state when no agency is ticked, and the list of declarations
// with each recipient's status have no axe-core violation in French and English, and work
// without JavaScript (plain forms and links).
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

async function checkPage(page, name) {
  assert.equal(await page.locator('h1').count(), 1, `${name}: exactly one h1`);
  await screenshot(page, name);
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
}

for (const lang of ['fr', 'en']) {
  test(`declaration pages (${lang}) are accessible and declare once`, async () => {
    const context = await browser.newContext({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB' });
    const page = await context.newPage();
    try {
      await page.goto(inLanguage(server.baseUrl, '/connexion', lang));
      await page.check('input[name="role"][value="usager"]');
      await page.click('form[action="/connexion/demo"] button[type="submit"]');

      let response = await page.goto(inLanguage(server.baseUrl, '/mes-declarations/nouvelle?demarche=changement-adresse', lang));
      assert.equal(response.status(), 200);
      assert.equal(await page.locator('input[type="checkbox"][name="service"]').count(), 6);
      await checkPage(page, `declaration-new-${lang}`);

      // Nothing ticked: the form comes back with an error summary linking to the first box.
      for (const box of await page.locator('input[type="checkbox"][name="service"]').all()) await box.uncheck();
      await page.click('form[action="/mes-declarations"] button[type="submit"]');
      assert.equal(await page.locator('.pc-error-summary a[href="#service-0"]').count(), 1);
      assert.match(await page.title(), /^(Erreur|Error)/);
      await checkPage(page, `declaration-error-${lang}`);

      // Two agencies ticked: declared once, shown recipient by recipient.
      await page.check('#service-0');
      await page.check('#service-1');
      await page.click('form[action="/mes-declarations"] button[type="submit"]');
      assert.match(page.url(), /\/mes-declarations\/[0-9a-f-]{36}\?envoyee=1/);
      assert.equal(await page.locator('table.pc-table tbody tr').count(), 2);
      await checkPage(page, `declaration-${lang}`);

      response = await page.goto(inLanguage(server.baseUrl, '/mes-declarations', lang));
      assert.equal(response.status(), 200);
      await checkPage(page, `declarations-${lang}`);
    } finally {
      await context.close();
    }
  });
}
