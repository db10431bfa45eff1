/**
 * The control panel as an administrator uses it, in headless Debian Chromium (playwright-core,
 * never a downloaded browser), on the gallery with a real Varnish to purge: log in; change a
 * ruleset's operation and see the site's next response change; invalidate the RAM cache and see the
 * statistics change; purge a path and see it in the recent purges; explain a URL and see the
 * ruleset, the headers and the layers' verdicts. Every screen is photographed at desktop and phone
 * width into .screenshots/ (ignored by git), and checked for what a person would notice: nothing
 * wider than the screen, a heading, labelled fields.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_TOKEN, startAdminDemo, type AdminDemo } from './support/adminDemo.js';
import { describeWithServers } from './support/binaries.js';
import { freePort } from './support/freePort.js';
import { rawRequest } from './support/httpRequest.js';
import { shippedVcl } from './support/purgeVcl.js';
import { Varnish } from './support/varnish.js';

const SHOTS = new URL('../.screenshots/', import.meta.url).pathname;
const WIDTHS = { desktop: { width: 1280, height: 900 }, phone: { width: 375, height: 812 } } as const;

describeWithServers('the control panel in a browser', ['chromium', 'varnishd'], () => {
  let site: AdminDemo;
  let varnish: Varnish;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    const varnishPort = await freePort();
    site = await startAdminDemo({ images: 4, env: { PURGE_PROXIES: `http://127.0.0.1:${varnishPort}` } });
    const appPort = Number(new URL(site.demo.base).port);
    varnish = await Varnish.start({ vcl: await shippedVcl(), backendPort: appPort, port: varnishPort });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: WIDTHS.desktop });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await varnish?.stop();
    await site?.stop();
  });

  /** The screen as it is now, at both widths, checked for overflow, a heading and labelled fields. */
  async function shoot(name: string): Promise<void> {
    for (const [device, viewport] of Object.entries(WIDTHS)) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: join(SHOTS, `admin-${name}-${device}.png`), fullPage: true });
      const facts = await page.evaluate<{ overflow: number; heading: string; unlabelled: string[] }>(`({
        overflow: document.documentElement.scrollWidth - window.innerWidth,
        heading: document.querySelector('h1')?.textContent ?? '',
        unlabelled: [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
          .filter((el) => !el.id || !document.querySelector('label[for="' + el.id + '"]')).map((el) => el.outerHTML),
      })`);
      expect(facts.overflow, `${name} at ${device}: wider than the screen`).toBeLessThanOrEqual(0);
      expect(facts.heading, `${name}: a heading`).not.toBe('');
      expect(facts.unlabelled, `${name}: fields without a label`).toEqual([]);
    }
    await page.setViewportSize(WIDTHS.desktop);
    // A small copy for the docs: the same screen at half resolution (docs/images/ holds the reviewed ones).
    const small = await browser.newContext({ viewport: { width: 1100, height: 700 }, deviceScaleFactor: 0.5 });
    try {
      await small.addCookies(await page.context().cookies());
      const copy = await small.newPage();
      await copy.goto(page.url());
      await copy.screenshot({ path: join(SHOTS, `admin-${name}-small.png`), fullPage: true });
    } finally {
      await small.close();
    }
  }

  it('logs in with the token, then shows the overview and the rulesets', async () => {
    await page.goto(site.admin);
    expect(await page.textContent('h1')).toBe('Log in');
    await shoot('login');
    await page.fill('#token', ADMIN_TOKEN);
    await page.click('button[type=submit]');
    await page.waitForURL(site.admin);
    expect(await page.textContent('h1')).toBe('Overview');
    expect(await page.textContent('.layers')).toContain('Proxy purging');
    expect(await page.locator('figure.chart svg').count()).toBe(1);
    await shoot('overview');
    await page.click('nav >> text=Rulesets');
    expect(await page.textContent('table')).toContain('gallery.frontpage');
    expect(await page.textContent('table')).toContain('FrontPageView');
    await shoot('rulesets');
  }, 60_000);

  it("changes a ruleset's operation, and the site's next response follows it", async () => {
    const before = await rawRequest(`${site.demo.base}/`);
    expect(before.headers['x-cache-operation']).toBe('chain');
    await page.click('nav >> text=Policy');
    const row = page.locator('tr', { has: page.locator('code', { hasText: /^gallery\.frontpage$/ }) });
    await row.locator('select').selectOption('noCaching');
    await row.locator('button').click();
    await page.waitForURL(/done=saved/);
    expect(await page.textContent('.notice')).toContain('Saved and applied');
    await shoot('policy');
    const after = await rawRequest(`${site.demo.base}/`);
    expect(after.headers['x-cache-operation']).toBe('noCaching');
    expect(after.headers['cache-control']).toContain('no-store');
  }, 60_000);

  it('invalidates the RAM cache and the statistics show it', async () => {
    const image = site.demo.running.site.gallery.newest(1)[0];
    await rawRequest(`${site.demo.base}/images/${image?.slug ?? ''}`);
    await rawRequest(`${site.demo.base}/images/${image?.slug ?? ''}`);
    await page.click('nav >> text=RAM cache');
    const path = `/images/${image?.slug ?? ''}`;
    const row = page.locator('main table tr', { has: page.locator('th code', { hasText: path }) });
    // Columns: hits, misses, entries, bytes.
    expect(await row.locator('td.num').nth(0).textContent()).toBe('1');
    expect(await row.locator('td.num').nth(2).textContent()).toBe('1');
    await shoot('ram');
    await page.click('text=Invalidate everything');
    await page.waitForURL(/done=invalidated/);
    expect(await page.textContent('.notice')).toContain('Invalidated');
    expect(await row.locator('td.num').nth(2).textContent()).toBe('0');
    expect(await row.locator('td.num').nth(3).textContent()).toBe('0');
    expect(site.demo.running.site.stack.ram.statistics().entries).toBe(0);
  }, 60_000);

  it('purges a path and shows it in the recent purges, with the outcome of Varnish', async () => {
    const image = site.demo.running.site.gallery.newest(1)[0];
    const path = `/images/${image?.slug ?? ''}`;
    await page.click('nav >> text=Disk and purging');
    await page.fill('#paths', path);
    await page.click('main form button[type=submit]');
    await page.waitForURL(/done=purged/);
    const recent = page.locator('table', { has: page.locator('th', { hasText: 'Outcome' }) });
    expect(await recent.textContent()).toContain(path);
    expect(await recent.textContent()).toContain('succeeded');
    await shoot('purge');
  }, 60_000);

  it('explains a URL: the ruleset, the headers and what each layer would store', async () => {
    const image = site.demo.running.site.gallery.newest(1)[0];
    await page.click('nav >> text=Explain a URL');
    await page.fill('#url', `/images/${image?.slug ?? ''}`);
    await page.click('main form button[type=submit]');
    await page.waitForSelector('#result-heading');
    const text = (await page.textContent('main')) ?? '';
    expect(text).toContain('gallery.image');
    expect(text).toContain('ImagePageView');
    expect(await page.textContent('pre')).toContain('cache-control: max-age=0, s-maxage=86400, must-revalidate');
    const layers = (await page.textContent('#layers')) ?? '';
    expect(layers).toMatch(/Shared proxies \(Varnish\)\s*stored, fresh for 86400 s/);
    expect(layers).toContain('RAM cache');
    await shoot('explain');
    await page.selectOption('#user', 'editor');
    await page.click('main form button[type=submit]');
    await page.waitForSelector('#result-heading');
    expect(await page.textContent('#layers')).toMatch(/Shared proxies \(Varnish\)\s*not stored: private/);
  }, 60_000);
});
