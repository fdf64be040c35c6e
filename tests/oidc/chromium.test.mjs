// The same citizen login, once in Debian's Chromium (playwright-core): the login page's
// FranceConnect button, the provider's login form, back to the account page, then logout
// through the provider's confirmation page. Proves the flow works with a real browser's
// cookie, redirect and Content-Security-Policy rules (form-action on the logout redirect).
// Also: the demo login, and axe-core on the login (with its demo section), account and refusal
// pages, in French and English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { startProvider } from './provider.mjs';
import { Parcours, freePort } from './harness.mjs';

let op;
let app;
let base;
let browser;

before(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  op = await startProvider({
    redirectUris: [`${base}/auth/oidc/franceconnect/callback`],
    postLogoutRedirectUris: [`${base}/deconnexion/fin`],
  });
  app = new Parcours(port, {
    PARCOURS_OIDC_PROVIDERS: 'franceconnect',
    PARCOURS_OIDC_FRANCECONNECT_ISSUER: op.issuer,
    PARCOURS_OIDC_FRANCECONNECT_CLIENT_ID: op.client.client_id,
    PARCOURS_OIDC_FRANCECONNECT_CLIENT_SECRET: op.client.client_secret,
    PARCOURS_OIDC_FRANCECONNECT_LABEL: 'FranceConnect',
    PARCOURS_DEMO: '1',
  });
  await app.start();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (app) await app.stop();
  if (op) await op.stop();
});

test('a person logs in with FranceConnect and out again in Chromium', async () => {
  const page = await browser.newPage({ locale: 'fr-FR' });
  await page.goto(`${base}/compte`);
  assert.equal(new URL(page.url()).pathname, '/connexion');  // login required first
  await page.getByRole('link', { name: 'Se connecter avec FranceConnect' }).click();
  await page.waitForURL(`${op.issuer}/**`);
  await page.getByLabel('Identifiant').fill('karim');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(`${base}/compte`);
  assert.match(await page.locator('main').innerText(), /Karim Benali/);
  const cookies = await page.context().cookies(base);
  const session = cookies.find((c) => c.name === 'parcours_session');
  assert.ok(session && session.httpOnly && session.sameSite === 'Lax');

  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.waitForURL(`${op.issuer}/session/end**`);
  await page.locator('button[autofocus], button[type=submit]').first().click();
  await page.waitForURL(`${base}/deconnexion/fin**`);
  assert.match(await page.locator('h1').innerText(), /déconnecté/);
  const after = await page.context().cookies(base);
  assert.equal(after.find((c) => c.name === 'parcours_session'), undefined);
});

async function violations(page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('the demo login, account and refusal pages have no accessibility violation', async () => {
  for (const locale of ['fr-FR', 'en-GB']) {
    const context = await browser.newContext({ locale });
    const page = await context.newPage();
    await page.goto(`${base}/connexion`);
    assert.deepEqual(await violations(page), [], `login ${locale}`);
    await page.locator('input[name=role][value=agent]').check();
    await page.locator('form[action="/connexion/demo"] button[type=submit]').click();
    await page.waitForURL(`${base}/compte`);
    assert.deepEqual(await violations(page), [], `account ${locale}`);
    // A usager's page refused to an agent: an HTML page, not problem+json.
    const refused = await page.goto(`${base}/mes-parcours`);
    assert.equal(refused.status(), 403);
    assert.match(refused.headers()['content-type'], /text\/html/);
    assert.deepEqual(await violations(page), [], `refusal ${locale}`);
    await context.close();
  }
});
