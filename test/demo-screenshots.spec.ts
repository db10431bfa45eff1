/**
 * The gallery as a person sees it: headless Chromium (through playwright-core, never a downloaded
 * browser) takes the front page and an image page at desktop and phone widths into .screenshots/,
 * and checks what a person would notice: every picture loaded, nothing wider than the screen.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServers } from './support/binaries.js';
import { startDemo, type Demo } from './support/demo.js';

const SHOTS = new URL('../.screenshots/', import.meta.url).pathname;
const WIDTHS = { desktop: { width: 1280, height: 900 }, phone: { width: 375, height: 812 } } as const;

describeWithServers('screenshots of the gallery', ['chromium'], () => {
  let demo: Demo;
  let browser: Browser;

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    demo = await startDemo({ images: 12 });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  async function look(page: Page, path: string, name: string): Promise<void> {
    await page.goto(`${demo.base}${path}`, { waitUntil: 'load' });
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    // A string, run in the page: this project's types have no DOM.
    const facts = await page.evaluate<{ overflow: number; broken: string[]; images: number; heading: string }>(`({
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      broken: [...document.images].filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.src),
      images: document.images.length,
      heading: document.querySelector('h1')?.textContent ?? '',
    })`);
    expect(facts.broken, `${name}: images that did not load`).toEqual([]);
    expect(facts.overflow, `${name}: wider than the screen`).toBeLessThanOrEqual(0);
    expect(facts.images).toBeGreaterThan(0);
    expect(facts.heading).not.toBe('');
  }

  for (const [device, viewport] of Object.entries(WIDTHS)) {
    it(`front page and image page at ${device} width (${viewport.width} px)`, async () => {
      const page = await browser.newPage({ viewport });
      try {
        await look(page, '/', `front-${device}`);
        const image = demo.running.site.gallery.newest(1)[0];
        await look(page, `/images/${image?.slug ?? ''}`, `image-${device}`);
        // The text stays readable on a phone: body text at least 15 px.
        const fontSize = await page.evaluate<number>('parseFloat(getComputedStyle(document.body).fontSize)');
        expect(fontSize).toBeGreaterThanOrEqual(15);
      } finally {
        await page.close();
      }
    }, 60_000);
  }
});
