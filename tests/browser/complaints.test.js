// Complaints in Chromium, without scripts: the demo usager files a complaint about the Caf
// (the form's errors first), the demo agent of the Caf takes it from the queue, answers and
// resolves it, the usager reads the answer, and the pilote's Caf dashboard counts the
// complaint and its handling delay. axe-core finds no violation on any page, in French and
// English.
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

async function loggedIn(lang, role) {
  const context = await browser.newContext({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB' });
  const page = await context.newPage();
  await page.goto(inLanguage(server.baseUrl, '/connexion', lang));
  await page.check(`input[name="role"][value="${role}"]`);
  await page.click('form[action="/connexion/demo"] button[type="submit"]');
  return { context, page };
}

async function checkPage(page, name) {
  assert.equal(await page.locator('h1').count(), 1, `${name}: exactly one h1`);
  await screenshot(page, name);
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${name}: ${JSON.stringify(violations, null, 2)}`);
}

const words = {
  fr: { resolved: 'Résolue', complaints: 'Réclamations', delay: 'Délai médian de traitement des réclamations' },
  en: { resolved: 'Resolved', complaints: 'Complaints', delay: 'Median complaint handling time' },
};

for (const lang of ['fr', 'en']) {
  test(`a complaint filed, resolved by the agent, read by the usager, counted for the pilote (${lang})`, async () => {
    const usager = await loggedIn(lang, 'usager');
    const agent = await loggedIn(lang, 'agent');
    const pilote = await loggedIn(lang, 'pilote');
    try {
      // The usager: the list, the form, its errors, then the acknowledgement.
      let page = usager.page;
      let response = await page.goto(inLanguage(server.baseUrl, '/mes-reclamations', lang));
      assert.equal(response.status(), 200);
      await checkPage(page, `complaints-${lang}`);
      response = await page.goto(inLanguage(server.baseUrl, '/mes-reclamations/nouvelle', lang));
      assert.equal(response.status(), 200);
      await checkPage(page, `complaint-new-${lang}`);
      await page.fill('#texte', 'Trop court');
      await page.click('form[action="/mes-reclamations"] button[type="submit"]');
      assert.match(await page.title(), /^(Erreur|Error)/);
      assert.equal(await page.locator('.pc-error-summary li').count(), 2, 'subject and category missing');
      if (lang === 'en') {
        const summary = await page.textContent('.pc-error-summary');
        assert.ok(!summary.includes('Choisissez'), `French message on an English page: ${summary}`);
      }
      assert.equal(await page.inputValue('#texte'), 'Trop court');
      await checkPage(page, `complaint-new-errors-${lang}`);

      const text = `Mon aide au logement n'est plus versée depuis trois mois (${lang}).`;
      await page.selectOption('#sujet', 'service:caf');
      await page.check('#categorie-delai');
      await page.fill('#texte', text);
      await page.fill('#reference', '1234567 A');
      await page.click('form[action="/mes-reclamations"] button[type="submit"]');
      const match = page.url().match(/\/mes-reclamations\/([0-9a-f-]{36})\?deposee=1/);
      assert.ok(match, page.url());
      const id = match[1];
      assert.equal(await page.locator('.pc-notice--success').count(), 1);
      await checkPage(page, `complaint-filed-${lang}`);

      // The agent: the queue by due date, the complaint, taking it, closing it too early, answering, resolving.
      page = agent.page;
      response = await page.goto(inLanguage(server.baseUrl, '/agent/reclamations', lang));
      assert.equal(response.status(), 200);
      assert.ok(await page.locator(`a[href="/agent/reclamations/${id}"]`).count() === 1);
      await checkPage(page, `complaints-queue-${lang}`);
      await page.click(`a[href="/agent/reclamations/${id}"]`);
      assert.ok((await page.textContent('main')).includes(text));
      await checkPage(page, `complaint-agent-${lang}`);
      await page.click(`form[action="/agent/reclamations/${id}/prendre"] button`);
      assert.match(page.url(), /fait=prendre/);
      await page.click(`form[action="/agent/reclamations/${id}/resoudre"] button`);
      assert.equal(await page.locator('.pc-error-summary a[href="#resoudre-texte"]').count(), 1);
      // Closing before answering is refused in the page's language.
      assert.match(await page.textContent('.pc-error-summary'),
                   lang === 'en' ? /Answer the person before closing their complaint/
                                 : /Répondez à la personne avant de clore sa réclamation/);
      await checkPage(page, `complaint-agent-error-${lang}`);
      // An empty answer: the text is required, said in the page's language.
      await page.click(`form[action="/agent/reclamations/${id}/repondre"] button`);
      assert.match(await page.textContent('.pc-error-summary'),
                   lang === 'en' ? /Your answer is required/ : /La réponse est obligatoire/);
      const answer = `Le versement reprend ce mois-ci (${lang}).`;
      await page.fill('#repondre-texte', answer);
      await page.click(`form[action="/agent/reclamations/${id}/repondre"] button`);
      assert.match(page.url(), /fait=repondre/);
      await page.click(`form[action="/agent/reclamations/${id}/resoudre"] button`);
      assert.match(page.url(), /fait=resoudre/);
      assert.equal(await page.locator('.pc-tag--done').first().textContent(), words[lang].resolved);
      await checkPage(page, `complaint-agent-resolved-${lang}`);

      // The usager reads the answer.
      page = usager.page;
      response = await page.goto(inLanguage(server.baseUrl, `/mes-reclamations/${id}`, lang));
      assert.equal(response.status(), 200);
      assert.ok((await page.textContent('main')).includes(answer));
      assert.equal(await page.locator('.pc-tag--done').first().textContent(), words[lang].resolved);
      await checkPage(page, `complaint-resolved-${lang}`);

      // The pilote's Caf dashboard counts it, and its handling delay, once the background fold
      // has passed both events (the filed and the resolved one may land in different rounds).
      page = pilote.page;
      const row = page.locator('tr').filter({ has: page.getByRole('rowheader', { name: words[lang].complaints, exact: true }) });
      const delayRow = page.locator('tr').filter({ has: page.getByRole('rowheader', { name: words[lang].delay, exact: true }) });
      const wanted = lang === 'fr' ? 1 : 2;
      let count = 0;
      let delay = '';
      for (let i = 0; i < 60; i++) {
        response = await page.goto(inLanguage(server.baseUrl, '/pilote/services/caf', lang));
        assert.equal(response.status(), 200);
        count = Number(await row.locator('td').first().textContent());
        delay = await delayRow.locator('td').first().textContent();
        if (count >= wanted && /^\d+ h$/.test(delay)) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      assert.ok(count >= 1, `complaints counted: ${count}`);
      assert.match(delay, /^\d+ h$/);
      await checkPage(page, `complaints-pilote-${lang}`);
    } finally {
      await usager.context.close();
      await agent.context.close();
      await pilote.context.close();
    }
  });
}
