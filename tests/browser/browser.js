// Debian's Chromium driven by playwright-core, and the accessibility check every page passes.
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
    ],
  });
}

// WCAG 2.1 A and AA rules (the RGAA's automated part).
export const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// Rejects with a timeout error when `promise` has not settled after `ms`.
function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what}: no answer after ${ms} ms`), { timedOut: true })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Runs axe on `page`; returns the violations in a readable form (empty when none).
// On a loaded machine Chromium has been seen never to answer axe's injected evaluation; such
// a run is abandoned after 60 s and axe runs once more on the same page (the same rules,
// nothing relaxed), so that a stuck evaluation fails fast or recovers instead of hanging.
export async function axeViolations(page) {
  let results;
  for (let attempt = 1; ; attempt++) {
    try {
      results = await withTimeout(new AxeBuilder({ page }).withTags(wcagTags).analyze(), 60000, 'axe-core');
      break;
    } catch (error) {
      if (!error.timedOut || attempt >= 2) throw error;
    }
  }
  return results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
  }));
}

// CTest sets PARCOURS_SCREENSHOT_DIR to <build>/screenshots; a manual run writes to the temp folder.
export const screenshotDir =
  process.env.PARCOURS_SCREENSHOT_DIR || join(process.env.TMPDIR || tmpdir(), 'parcours-screenshots');

// Saves a full-page screenshot as <screenshotDir>/<name>.png and returns its path.
export async function screenshot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name.replace(/[^a-zA-Z0-9_-]+/g, '_')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

// The URL of `path` in language `lang` (adds ?lang= or &lang=).
export function inLanguage(baseUrl, path, lang) {
  return `${baseUrl}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`;
}
