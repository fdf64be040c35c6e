// The demo login lets a new user reach each role's pages: in Chromium, the login form's demo
// choice for every role (usager, aidant, agent, pilote, admin, intégrateur) leads to "Mon
// compte", which links to that role's spaces; each answers 200 with axe-core finding no
// violation, in French and English. Also the pages of "Mes aidants" (with its errors) and of
// the administration.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ParcoursServer } from './server.js';
import { launchBrowser, axeViolations, screenshot, inLanguage } from './browser.js';

let server;
let browser;

// Each role's spaces, as linked from /compte (the role's home after the demo login).
const spaces = {
  usager: ['/mes-parcours', '/mes-informations', '/mes-declarations', '/mes-reclamations', '/compte/aidants', '/mes-droits'],
  aidant: ['/aidant'],
  agent: ['/agent', '/agent/reclamations'],
  pilote: ['/pilote'],
  admin: ['/admin', '/pilote'],
  integrateur: ['/integrateur'],
};

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
  assert.deepEqual(violations, [], `${name}: ${JSON.stringify(violations, null, 2)}`);
}

// Logs in through the login page as a new visitor would: pick the role, submit.
async function demoLogin(page, lang, role) {
  await page.goto(inLanguage(server.baseUrl, '/connexion', lang));
  await page.check(`#role-${role}`);
  await Promise.all([page.waitForURL('**/compte'), page.click('form[action="/connexion/demo"] button[type="submit"]')]);
}

for (const lang of ['fr', 'en']) {
  for (const [role, paths] of Object.entries(spaces)) {
    test(`demo ${role} reaches their pages (${lang})`, async () => {
      const context = await browser.newContext({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB' });
      const page = await context.newPage();
      try {
        await demoLogin(page, lang, role);
        let response = await page.goto(inLanguage(server.baseUrl, '/compte', lang));
        assert.equal(response.status(), 200);
        await checkPage(page, `role-${role}-account-${lang}`);
        for (const path of paths) {
          assert.equal(await page.locator(`main a[href="${path}"]`).count(), 1, `${role}: /compte links to ${path}`);
        }
        if (role === 'aidant' || role === 'agent') {
          // Their code aidant, to give to the people who mandate them.
          assert.match(await page.locator('#code-aidant').innerText(), /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
        }
        for (const path of paths) {
          response = await page.goto(inLanguage(server.baseUrl, path, lang));
          assert.equal(response.status(), 200, `${role} ${path}`);
          await checkPage(page, `role-${role}${path.replace(/\//g, '-')}-${lang}`);
        }
      } finally {
        await context.close();
      }
    });
  }

  test(`mes aidants: errors, then a mandate given and ended (${lang})`, async () => {
    // The aidant's code, read from their own account page.
    const aidantContext = await browser.newContext();
    const aidantPage = await aidantContext.newPage();
    await demoLogin(aidantPage, lang, 'aidant');
    const code = await aidantPage.locator('#code-aidant').innerText();
    await aidantContext.close();

    const context = await browser.newContext({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB' });
    const page = await context.newPage();
    try {
      await demoLogin(page, lang, 'usager');
      await page.goto(inLanguage(server.baseUrl, '/compte/aidants', lang));
      await Promise.all([page.waitForNavigation(), page.click('form[action="/compte/aidants"] button[type="submit"]')]);
      assert.equal(await page.locator('.pc-error-summary li').count(), 3);
      await checkPage(page, `mandates-errors-${lang}`);
      await page.fill('#holder_code', code.toLowerCase());
      await page.check('#scope-vault');
      await page.check('#duration_days-30');
      await Promise.all([page.waitForURL('**/compte/aidants?fait=accorde*'),
        page.click('form[action="/compte/aidants"] button[type="submit"]')]);
      assert.equal(await page.locator('.pc-notice--success').count(), 1);
      const active = page.locator('form[action$="/fin"]');
      assert.ok((await active.count()) >= 1);
      await checkPage(page, `mandates-granted-${lang}`);
      const before = await active.count();
      await Promise.all([page.waitForURL('**/compte/aidants?fait=revoque*'), active.first().locator('button').click()]);
      assert.equal(await page.locator('form[action$="/fin"]').count(), before - 1);
    } finally {
      await context.close();
    }
  });

  test(`administration pages (${lang})`, async () => {
    const context = await browser.newContext({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB' });
    const page = await context.newPage();
    try {
      await demoLogin(page, lang, 'admin');
      let response = await page.goto(inLanguage(server.baseUrl, '/admin/organisations/caf', lang));
      assert.equal(response.status(), 200);
      await checkPage(page, `admin-organisation-${lang}`);
      await page.fill('#label', `Clé ${lang}`);
      await Promise.all([page.waitForNavigation(), page.click('form[action$="/cles"] button[type="submit"]')]);
      assert.match(await page.locator('#secret-cle').innerText(), /^pk_[0-9a-f]{12}_/);
      await checkPage(page, `admin-key-created-${lang}`);
      response = await page.goto(inLanguage(server.baseUrl, '/admin/envois', lang));
      assert.equal(response.status(), 200);
      await checkPage(page, `admin-deliveries-${lang}`);
    } finally {
      await context.close();
    }
  });
}
