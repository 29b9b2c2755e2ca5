import { gzipSync } from "node:zlib";
import { chromium, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { signIn } from "../tests/support/session";
import { log, median, round } from "./stats";

// Figure 5: first-load JavaScript of the desk pages (every script the page loads, gzip-compressed
// here with node:zlib at the default level) and the Largest Contentful Paint of the desk with a
// ~1,000-row configuration, in headless Debian Chromium, signed in. kB = 1000 bytes.

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export interface PageWeight {
  path: string;
  user: string | null;
  status: number | null;
  finalPath: string;
  scripts: number;
  rawKB: number;
  gzipKB: number;
  documentRawKB: number;
  documentGzipKB: number;
  pageErrors: string[];
}

export interface Lcp {
  rowsConfigured: number;
  rowsRendered: number[];
  /** Loads that did not render the rows or logged an error (not counted), and those errors. */
  failedLoads: number;
  pageErrors: string[];
  loads: number;
  lcpMs: number[];
  /** Every measured load, failed ones included (for reference only). */
  allLoadsLcpMs: number[];
  medianLcpMs: number;
  medianFcpMs: number;
  medianTtfbMs: number;
  lcpElement: string | null;
}

/** In the page: how many rows the desk holds, from its "N of M rows shown" line (a long table
 * draws only the rows near its view, so counting <tr> elements says nothing). An arrow with no
 * named function inside: the bundler would add helpers the page does not have, and a string
 * would be eval'd, which the page's CSP refuses. */
export const deskRows = (): number => {
  const m = /(\d+) of (\d+) rows shown/.exec(document.body.innerText);
  return m ? Number(m[2]) : 0;
};

/** Waits (bounded) until the desk holds at least `n` rows. */
export async function untilDeskRows(page: Page, n: number, timeout: number): Promise<void> {
  await page
    .waitForFunction(
      (min) => {
        const m = /(\d+) of (\d+) rows shown/.exec(document.body.innerText);
        return m !== null && Number(m[2]) >= min;
      },
      n,
      { timeout },
    )
    .catch(() => undefined);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
}

/** A browser context signed in as `user` (none: anonymous, for the framework's empty page). */
export async function signedInContext(browser: Browser, appUrl: string, user: string | null) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  if (user === null) return context;
  const cookie = await signIn(appUrl, user);
  await context.addCookies(
    cookie.split("; ").map((pair) => {
      const at = pair.indexOf("=");
      return { name: pair.slice(0, at), value: pair.slice(at + 1), url: appUrl };
    }),
  );
  return context;
}

export async function pageWeight(
  browser: Browser,
  appUrl: string,
  path: string,
  user: string | null,
): Promise<PageWeight> {
  const context = await signedInContext(browser, appUrl, user);
  try {
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (err) => {
      if (pageErrors.length < 5) pageErrors.push(err.message.slice(0, 200));
    });
    page.on("console", (m) => {
      if (m.type() === "error" && pageErrors.length < 5)
        pageErrors.push(m.text().split("\n")[0]!.slice(0, 200));
    });
    const bodies = new Map<string, Promise<{ raw: number; gz: number } | null>>();
    page.on("response", (res) => {
      if (res.request().resourceType() !== "script" || bodies.has(res.url())) return;
      bodies.set(
        res.url(),
        res
          .body()
          .then((b) => ({ raw: b.length, gz: gzipSync(b).length }))
          .catch(() => null),
      );
    });
    const res = await page.goto(`${appUrl}${path}`, { waitUntil: "load", timeout: 30_000 });
    await page.waitForTimeout(2000); // chunks loaded right after hydration count too
    const doc = res ? await res.body().catch(() => null) : null;
    const sizes = (await Promise.all(bodies.values())).filter(
      (s): s is { raw: number; gz: number } => s !== null,
    );
    const result: PageWeight = {
      path,
      user,
      status: res?.status() ?? null,
      finalPath: new URL(page.url()).pathname,
      scripts: sizes.length,
      rawKB: round(sizes.reduce((a, s) => a + s.raw, 0) / 1000, 1),
      gzipKB: round(sizes.reduce((a, s) => a + s.gz, 0) / 1000, 1),
      documentRawKB: doc ? round(doc.length / 1000, 1) : 0,
      documentGzipKB: doc ? round(gzipSync(doc).length / 1000, 1) : 0,
      pageErrors,
    };
    log(`page weight ${path}: ${result.gzipKB} kB gzip in ${result.scripts} scripts`);
    return result;
  } finally {
    await context.close();
  }
}

interface PaintMetrics {
  lcp: number | null;
  fcp: number | null;
  ttfb: number | null;
  element: string | null;
}

async function oneLoad(
  context: BrowserContext,
  appUrl: string,
  minRows: number,
  pageErrors: string[],
) {
  const page = await context.newPage();
  let errors = 0;
  const noteError = (text: string) => {
    errors += 1;
    if (pageErrors.length < 5) pageErrors.push(text.split("\n")[0]!.slice(0, 200));
  };
  page.on("pageerror", (err) => noteError(err.message));
  page.on("console", (m) => {
    if (m.type() === "error") noteError(m.text());
  });
  await page.goto(`${appUrl}/`, { waitUntil: "load", timeout: 30_000 });
  await untilDeskRows(page, minRows, 10_000);
  const countRows = () => page.evaluate(deskRows);
  const rowsBefore = await countRows();
  const metrics = await page.evaluate(
    () =>
      new Promise<PaintMetrics>((resolve) => {
        let last: PerformanceEntry | null = null;
        const po = new PerformanceObserver((list) => {
          for (const e of list.getEntries()) last = e;
        });
        po.observe({ type: "largest-contentful-paint", buffered: true });
        setTimeout(() => {
          po.disconnect();
          const fcp = performance.getEntriesByName("first-contentful-paint")[0];
          const nav = performance.getEntriesByType("navigation")[0] as
            PerformanceNavigationTiming | undefined;
          const lcp = last as (PerformanceEntry & { element?: Element | null }) | null;
          resolve({
            lcp: lcp ? lcp.startTime : null,
            fcp: fcp ? fcp.startTime : null,
            ttfb: nav ? nav.responseStart : null,
            element: lcp?.element
              ? `${lcp.element.tagName.toLowerCase()}${lcp.element.className ? "." + String(lcp.element.className).split(" ")[0] : ""}`
              : null,
          });
        }, 300);
      }),
  );
  // A load only counts if the desk is still there once LCP is read (an error boundary replacing
  // the table would otherwise become the "largest paint").
  const rows = Math.min(rowsBefore, await countRows());
  await page.close();
  return { rows, errors, ...metrics };
}

export async function largestContentfulPaint(
  browser: Browser,
  appUrl: string,
  rowsConfigured: number,
  loads: number,
): Promise<Lcp> {
  const lcps: number[] = [];
  const fcps: number[] = [];
  const ttfbs: number[] = [];
  const rowsRendered: number[] = [];
  const all: number[] = [];
  const pageErrors: string[] = [];
  let failedLoads = 0;
  let element: string | null = null;
  const minRows = Math.floor(rowsConfigured * 0.9);
  // One warm-up load (server caches, first reads of every account), then fresh contexts (cold
  // browser cache) for the measured loads.
  for (let i = -1; i < loads; i += 1) {
    const context = await signedInContext(browser, appUrl, "viewer1");
    try {
      const m = await oneLoad(context, appUrl, minRows, pageErrors);
      if (i < 0) continue;
      rowsRendered.push(m.rows);
      if (m.lcp !== null) all.push(round(m.lcp, 0));
      if (m.rows < minRows || m.errors > 0) {
        failedLoads += 1;
        continue;
      }
      if (m.lcp !== null) lcps.push(m.lcp);
      if (m.fcp !== null) fcps.push(m.fcp);
      if (m.ttfb !== null) ttfbs.push(m.ttfb);
      element = m.element;
    } finally {
      await context.close();
    }
  }
  const result: Lcp = {
    rowsConfigured,
    rowsRendered,
    failedLoads,
    pageErrors,
    loads: lcps.length,
    lcpMs: lcps.map((x) => round(x, 0)),
    allLoadsLcpMs: all,
    medianLcpMs: round(median(lcps), 0),
    medianFcpMs: round(median(fcps), 0),
    medianTtfbMs: round(median(ttfbs), 0),
    lcpElement: element,
  };
  log(
    `LCP with ${rowsConfigured} rows: median ${result.medianLcpMs} ms (${result.lcpMs.join(", ")})`,
  );
  return result;
}
