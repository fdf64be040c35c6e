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

// Runs axe on `page`; returns the violations in a readable form (empty when none).
export async function axeViolations(page) {
  const results = await new AxeBuilder({ page }).withTags(wcagTags).analyze();
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
