// "Mes droits", logged in as the demo usager: a change of situation makes the server offer the
// prime d'activité (fr) then the complémentaire santé solidaire (en); the page with an offer
// (its amount, its explanation opened), after "Je fais la demande" (on to the claim step) and
// after "No thanks" (notice, past answers) has no axe-core violation, and works without
// JavaScript (plain forms posting to /mes-droits/{id}/demande and /refus).
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

// Reloads /mes-droits until `count` offers wait for an answer (the trigger worker runs in the
// background of the server, a few seconds after the change).
async function waitForOffers(page, lang, count) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    await page.goto(inLanguage(server.baseUrl, '/mes-droits', lang));
    if (await page.locator('ul.pc-cards > li.pc-card').count() === count) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  assert.fail(`no offer on /mes-droits after 90 s`);
}

async function csrfOf(page) {
  await page.goto(`${server.baseUrl}/compte`);
  return page.locator('input[name="csrf_token"]').first().inputValue();
}

test('Mes droits: offers, claim and decline are accessible in French and English', async () => {
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  try {
    await page.goto(inLanguage(server.baseUrl, '/connexion', 'fr'));
    await page.check('input[name="role"][value="usager"]');
    await page.click('form[action="/connexion/demo"] button[type="submit"]');

    // Nothing yet.
    let response = await page.goto(inLanguage(server.baseUrl, '/mes-droits', 'fr'));
    assert.equal(response.status(), 200);
    assert.equal(await page.locator('li.pc-card').count(), 0);
    await checkPage(page, 'rights-empty-fr');

    // Léa works, is 30 and earns 1 200 € a month.
    let csrf = await csrfOf(page);
    const started = await page.request.post(`${server.baseUrl}/api/v1/me/journeys`, {
      headers: { 'X-CSRF-Token': csrf },
      data: {
        event_id: 'faire-valoir-ses-droits',
        event_date: '2026-01-15',
        answers: { 'personne . salarié': true, 'personne . âge': 30, 'foyer . ressources mensuelles': 1200 },
      },
    });
    assert.equal(started.status(), 201, await started.text());
    const journey = (await started.json()).id;

    // fr: the prime d'activité, with the engine's explanation opened.
    await waitForOffers(page, 'fr', 1);
    assert.match(await page.locator('li.pc-card h2').innerText(), /Prime d'activité/);
    await page.locator('li.pc-card details summary').click();
    assert.match(await page.locator('pre.pc-explanation').innerText(), /potentiellement éligible/);
    await checkPage(page, 'rights-offer-fr');
    await page.click('form[action$="/demande"] button[type="submit"]');
    assert.match(page.url(), new RegExp(`/mes-parcours/${journey}/etapes/prime-activite`));
    response = await page.goto(inLanguage(server.baseUrl, '/mes-droits', 'fr'));
    assert.equal(await page.locator('table.pc-table tbody tr').count(), 1);
    await checkPage(page, 'rights-accepted-fr');

    // en: lower income, so the complémentaire santé solidaire opens; declined.
    csrf = await csrfOf(page);
    const patched = await page.request.patch(`${server.baseUrl}/api/v1/me/journeys/${journey}/situation`, {
      headers: { 'X-CSRF-Token': csrf },
      data: { answers: { 'foyer . ressources mensuelles': 900 } },
    });
    assert.equal(patched.status(), 200, await patched.text());
    await waitForOffers(page, 'en', 1);
    assert.match(await page.locator('li.pc-card h2').innerText(), /Solidarity health cover/);
    // The explanation in English: the answers by their questions, yes / no.
    await page.locator('li.pc-card details summary').click();
    const explanation = await page.locator('pre.pc-explanation').innerText();
    assert.match(explanation, /”: (yes|no)\b/);
    assert.doesNotMatch(explanation, / : (oui|non)\b/);
    await checkPage(page, 'rights-offer-en');
    await page.click('form[action$="/refus"] button[type="submit"]');
    assert.match(page.url(), /\/mes-droits\?refus=1/);
    assert.equal(await page.locator('.pc-notice').count(), 1);
    assert.equal(await page.locator('li.pc-card').count(), 0);
    assert.equal(await page.locator('table.pc-table tbody tr').count(), 2);
    await checkPage(page, 'rights-declined-en');
  } finally {
    await context.close();
  }
});
