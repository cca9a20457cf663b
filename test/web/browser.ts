import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { ROOT } from '../../clients/paths';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, 'test-output', 'screenshots');

export interface Browser {
  context: BrowserContext;
  /** What the content security policy blocked on any page opened so far (the console's own words). */
  cspViolations: string[];
  /** A new tab; sessionStorage is per tab, so each tab is one person's session. */
  page(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

/** Debian's chromium, headless, in a fresh profile; Vietnamese locale and Vietnam's time zone. */
export async function launch(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'sohoa-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    locale: 'vi-VN',
    // The page must show Vietnam's dates whatever the browser's zone: run it elsewhere on purpose.
    timezoneId: 'Europe/Paris',
    viewport: { width: 1366, height: 900 },
    acceptDownloads: true,
  });
  // Never leave a browser behind, even if the test process dies: best effort, 'exit' waits for nothing.
  const kill = () => void context.close().catch(() => undefined);
  process.once('exit', kill);
  mkdirSync(SCREENSHOTS, { recursive: true });
  const cspViolations: string[] = [];
  return {
    context,
    cspViolations,
    async page(viewport) {
      const p = await context.newPage();
      p.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) cspViolations.push(`${p.url()}: ${m.text()}`);
      });
      if (viewport) await p.setViewportSize(viewport);
      p.setDefaultTimeout(20_000);
      return p;
    },
    async close() {
      process.removeListener('exit', kill);
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}

/**
 * Saves a full-page screenshot, after checking the page does not scroll sideways (a layout bug on
 * a laptop or a tablet): the elements that stick out are named in the failure.
 */
export async function shot(page: Page, name: string): Promise<string> {
  const overflow = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    return [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > width + 1)
      .slice(0, 8)
      .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} right=${Math.round(e.getBoundingClientRect().right)}`);
  });
  if (overflow.length) throw new Error(`${name}: the page is wider than the window (${page.viewportSize()?.width}px): ${overflow.join(', ')}`);
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Signs in through the form, as a person would, with the token their administrator gave them. */
export async function signIn(page: Page, baseUrl: string, token: string, path = '/'): Promise<void> {
  await page.goto(baseUrl + path);
  await page.getByLabel('Mã truy cập').fill(token);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
}

/**
 * Waiting assertions for playwright-core (which has no `expect`): each polls until the page shows
 * what a person would check, and fails with what it saw instead.
 */
async function until<T>(get: () => Promise<T>, ok: (v: T) => boolean, what: string, timeout = 20_000): Promise<T> {
  const end = Date.now() + timeout;
  let last: T;
  for (;;) {
    last = await get();
    if (ok(last)) return last;
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(last)?.slice(0, 400)} after ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const textOf = (l: Locator) => l.first().innerText({ timeout: 500 }).catch(() => '');
const matches = (t: string, want: string | RegExp) => (typeof want === 'string' ? t.includes(want) : want.test(t));

export const see = {
  /** The (first) element's text contains `want`. */
  text: (l: Locator, want: string | RegExp, timeout?: number) => until(() => textOf(l), (t) => matches(t, want), `text of ${l} should contain ${want}`, timeout),
  /** The (first) element's text is exactly `want` (trimmed). */
  exactText: (l: Locator, want: string, timeout?: number) => until(() => textOf(l), (t) => t.trim() === want, `text of ${l} should be ${want}`, timeout),
  notText: (l: Locator, unwanted: string, timeout?: number) => until(() => textOf(l), (t) => t.trim() !== unwanted, `text of ${l} should not be ${unwanted}`, timeout),
  count: (l: Locator, n: number, timeout?: number) => until(() => l.count(), (c) => c === n, `count of ${l} should be ${n}`, timeout),
  visible: (l: Locator, timeout?: number) => l.first().waitFor({ state: 'visible', timeout }),
  value: (l: Locator, v: string, timeout?: number) => until(() => l.inputValue({ timeout: 500 }).catch(() => ''), (x) => x === v, `value of ${l} should be ${v}`, timeout),
};
