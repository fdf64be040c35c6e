// The agent console and the aidants' space, end to end in Chromium, in French and English:
// the demo usager declares a change of address; the demo agent (CAF) opens the queue, moves the
// dossier to "en instruction", opens the usager's person view and records a phone call (and
// sees the error summary of an empty subject); the usager then sees the new status in "Mes
// déclarations" and the agent's read in "Qui a consulté mes données"; the demo aidant reaches
// "/aidant" and the same person view. axe-core finds nothing on any of these pages, and they
// work without JavaScript (plain links and forms).
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
  assert.deepEqual(violations, [], `${name}: ${JSON.stringify(violations, null, 2)}`);
}

async function demoLogin(lang, role) {
  const context = await browser.newContext({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB' });
  const page = await context.newPage();
  await page.goto(inLanguage(server.baseUrl, '/connexion', lang));
  await page.check(`input[name="role"][value="${role}"]`);
  await page.click('form[action="/connexion/demo"] button[type="submit"]');
  return { context, page };
}

for (const lang of ['fr', 'en']) {
  test(`agent console and aidant space (${lang})`, async () => {
    const subject = lang === 'fr' ? 'Justificatif de domicile' : 'Proof of address';

    // The usager: a name in the vault, then a change of address to every agency.
    let { context, page } = await demoLogin(lang, 'usager');
    try {
      await page.goto(inLanguage(server.baseUrl, '/mes-informations', lang));
      await page.selectOption('#nom', 'individu . nom');
      await page.fill('#valeur', 'Martin');
      await page.click('form[action="/mes-informations"] button[type="submit"]');
      await page.goto(inLanguage(server.baseUrl, '/mes-declarations/nouvelle?demarche=changement-adresse', lang));
      await page.click('form[action="/mes-declarations"] button[type="submit"]');
      assert.match(page.url(), /\/mes-declarations\/[0-9a-f-]{36}\?envoyee=1/);
    } finally {
      await context.close();
    }

    // The agent: the queue, a fresh dossier, its status moved.
    ({ context, page } = await demoLogin(lang, 'agent'));
    try {
      let response = await page.goto(inLanguage(server.baseUrl, '/agent?statut=envoyee', lang));
      assert.equal(response.status(), 200);
      assert.ok(await page.locator('table.pc-table tbody tr').count() >= 1, 'a dossier in the queue');
      await checkPage(page, `agent-queue-${lang}`);

      await page.locator('table.pc-table tbody tr th a').first().click();
      assert.match(page.url(), /\/agent\/dossiers\/[0-9a-f-]{36}/);
      await checkPage(page, `agent-dossier-${lang}`);

      // No status chosen: the error summary links to the radios.
      await page.click('form[action$="/statut"] button[type="submit"]');
      assert.equal(await page.locator('.pc-error-summary a[href="#statut"]').count(), 1);
      assert.match(await page.title(), /^(Erreur|Error)/);
      await checkPage(page, `agent-dossier-error-${lang}`);

      await page.check('#statut-en_instruction');
      await page.fill('#message', lang === 'fr' ? 'Votre dossier est à l\'étude.' : 'Your case is being examined.');
      await page.click('form[action$="/statut"] button[type="submit"]');
      assert.match(page.url(), /modifie=1/);
      assert.equal(await page.locator('.pc-notice--success').count(), 1);

      // The person view through the dossier's person link (the demo agent holds a mandate).
      await page.locator('a[href^="/agent/personnes/"]').first().click();
      assert.match(page.url(), /\/agent\/personnes\/[0-9a-f-]{36}/);
      assert.ok((await page.textContent('main')).includes('Martin'), 'the person is named from the vault');
      await checkPage(page, `person-view-${lang}`);

      // An empty subject is refused with an error summary, then the call is recorded.
      await page.check('#canal-phone');
      await page.click('form[action$="/echanges"] button[type="submit"]');
      assert.equal(await page.locator('.pc-error-summary a[href="#objet"]').count(), 1);
      await checkPage(page, `person-view-error-${lang}`);
      await page.check('#canal-phone');
      await page.fill('#objet', subject);
      await page.click('form[action$="/echanges"] button[type="submit"]');
      assert.match(page.url(), /echange=1/);
      const timeline = await page.textContent('#chronologie + .pc-table-wrapper');
      assert.ok(timeline.includes(subject), 'the interaction is on the timeline');
      await checkPage(page, `person-view-saved-${lang}`);
    } finally {
      await context.close();
    }

    // The usager sees the agent's status and the agent's read.
    ({ context, page } = await demoLogin(lang, 'usager'));
    try {
      await page.goto(inLanguage(server.baseUrl, '/mes-declarations', lang));
      assert.ok((await page.textContent('main')).includes(lang === 'fr' ? "En cours d'instruction" : 'Being processed'));
      await page.goto(inLanguage(server.baseUrl, '/qui-a-consulte', lang));
      // Named, not by their account id.
      assert.ok((await page.textContent('main')).includes(lang === 'fr' ? 'Un agent : Agent' : 'An agent: Agent'));
    } finally {
      await context.close();
    }

    // The aidant: their home, then the same person view.
    ({ context, page } = await demoLogin(lang, 'aidant'));
    try {
      const response = await page.goto(inLanguage(server.baseUrl, '/aidant', lang));
      assert.equal(response.status(), 200);
      assert.ok((await page.textContent('main')).includes('Martin'));
      await checkPage(page, `aidant-home-${lang}`);
      await page.locator('a[href^="/agent/personnes/"]').first().click();
      assert.match(page.url(), /\/agent\/personnes\/[0-9a-f-]{36}/);
      assert.ok((await page.textContent('main')).includes(subject), 'the agent\'s call is on the timeline');
      await checkPage(page, `aidant-person-view-${lang}`);
    } finally {
      await context.close();
    }
  });
}
