// Every page of pages.json, in French and English: axe-core finds no WCAG 2.1 A/AA violation,
// the page declares its language, has one h1 and a title, and a screenshot is kept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ParcoursServer } from './server.js';
import { launchBrowser, axeViolations, screenshot, inLanguage } from './browser.js';

const { pages } = JSON.parse(readFileSync(new URL('./pages.json', import.meta.url), 'utf8'));
const languages = ['fr', 'en'];

let server;
let browser;

before(async () => {
  server = await new ParcoursServer().start();
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) {
    await server.stop();
    server.cleanup();
  }
});

for (const entry of pages) {
  for (const lang of languages) {
    test(`${entry.name} (${lang}) has no accessibility violation`, async () => {
      const context = await browser.newContext({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB' });
      const page = await context.newPage();
      try {
        const response = await page.goto(inLanguage(server.baseUrl, entry.path, lang));
        assert.equal(response.status(), entry.status ?? 200, `${entry.path}: HTTP status`);
        assert.equal(await page.getAttribute('html', 'lang'), lang);
        assert.ok((await page.title()).length > 0, 'the page has a title');
        assert.equal(await page.locator('h1').count(), 1, 'exactly one h1');
        assert.equal(await page.locator('main').count(), 1, 'one main landmark');
        await screenshot(page, `${entry.name}-${lang}`);
        const violations = await axeViolations(page);
        assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
      } finally {
        await context.close();
      }
    });
  }
}

test('the skip link is the first focusable element and leads to the content', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${server.baseUrl}/`);
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement.getAttribute('href'));
    assert.equal(focused, '#contenu');
    await page.keyboard.press('Enter');
    assert.match(page.url(), /#contenu$/);
  } finally {
    await context.close();
  }
});

test('pages work without JavaScript, and the language switch keeps the choice', async () => {
  const context = await browser.newContext({
    javaScriptEnabled: false, locale: 'fr-FR', viewport: { width: 375, height: 740 }, isMobile: true,
  });
  const page = await context.newPage();
  try {
    await page.goto(`${server.baseUrl}/`);
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    await page.click('a[hreflang="en"]');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.click('a[href="/accessibilite"]');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.match(await page.textContent('h1'), /Accessibility statement/);
    await screenshot(page, 'accessibility-en-no-js-mobile');
  } finally {
    await context.close();
  }
});
