/**
 * Reads a chart back the way a reader sees it: the bench's SVG laid out by a
 * real browser, so that the test checks positions and text, not markup.
 */
import type { Browser } from 'playwright-core';

/** One point of a rendered chart, as the browser laid it out. */
export interface RenderedPoint {
  /** The point's aria-label (Vega writes the mark's description there). */
  readonly label: string;
  /** Centre of the point on the page, in CSS pixels. */
  readonly x: number;
  readonly y: number;
}

export interface RenderedSvg {
  readonly width: number;
  readonly height: number;
  readonly points: RenderedPoint[];
  /** The page's text, all of it (titles, axis labels, legend). */
  readonly text: string;
  readonly png: Buffer;
}

/** Opens an SVG in Chromium, lays it out, reads its points back and screenshots it. */
export async function renderInChromium(browser: Browser, svg: string): Promise<RenderedSvg> {
  const page = await browser.newPage();
  try {
    await page.setContent(`<!doctype html><html><body style="margin:0;background:#fff">${svg}</body></html>`);
    const root = page.locator('body > svg');
    const box = await root.boundingBox();
    if (box === null) throw new Error('the SVG has no layout box');
    const points = await page.$$eval('[aria-roledescription="point"]', (nodes) =>
      nodes.map((n) => {
        const r = n.getBoundingClientRect();
        return { label: n.getAttribute('aria-label') ?? '', x: r.x + r.width / 2, y: r.y + r.height / 2 };
      }),
    );
    const text = await root.evaluate((n) => n.textContent);
    const png = await root.screenshot({ type: 'png' });
    return { width: box.width, height: box.height, points, text, png };
  } finally {
    await page.close();
  }
}
