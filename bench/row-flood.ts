import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "@playwright/test";
import type { AccountUpdate, DeskSnapshot, MmpRow } from "../lib/model/types";
import { deskRows, signedInContext, untilDeskRows } from "./page-perf";
import { log, round } from "./stats";

// Figure 6: the desk with 5,000 rows, every row updated once a second for 60 s, in headless
// Chromium: long tasks (PerformanceObserver "longtask", > 50 ms) and frames per second while the
// table scrolls. No process here could poll 5,000 signed rows a second, so the rows come from a
// stand-in for GET /api/stream: a small proxy in front of the real app answers the stream (and
// the poll fallback, GET /api/mmp) with 250 synthetic accounts of 20 rows, and every other
// request (the page, its scripts, the session) goes to the app. The page's own code does all the
// work: it parses each update, writes it into its cache and re-renders, as with a real stream.
// The updates are sent the way the server sends them (lib/live/sse.ts): the accounts of each
// 250 ms in one write.

const ACCOUNTS = 250;
const SCOPES = 20;
const WRITE_EVERY_MS = 250;

export interface RowFlood {
  rows: number;
  rowsRendered: number;
  seconds: number;
  updatesSent: number;
  longTasks: number;
  longestTaskMs: number;
  longTaskMsTotal: number;
  fps: number;
  worstSecondFps: number;
  /** How far the table scrolled (proof that the fps were measured while scrolling). */
  scrolledPx: number;
  pageErrors: string[];
}

function rowsOf(account: number, now: number, tick: number): MmpRow[] {
  const accountId = `flood-${String(account).padStart(3, "0")}`;
  return Array.from({ length: SCOPES }, (_, s) => {
    const scope = `S${String(s).padStart(2, "0")}USDT`;
    // Every row changes every second (its limit and its read time); one in 50 is frozen.
    const frozen = (account * SCOPES + s) % 50 === 0;
    return {
      id: `${accountId}/${scope}`,
      accountId,
      accountLabel: `Flood ${account}`,
      venue: "binance",
      scope,
      status: frozen ? "frozen" : "active",
      frozenUntil: frozen ? now + 60_000 : null,
      windowMs: 5000,
      frozenPeriodMs: 60_000,
      qtyLimit: String(100 + ((tick + s) % 10)),
      deltaLimit: String(20 + (tick % 5)),
      vegaLimit: null,
      lastTriggerAt: frozen ? now - 5000 : null,
      fetchedAt: now,
      problem: null,
    };
  });
}

const frame = (event: string, data: unknown) =>
  `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

function snapshot(tick: number): DeskSnapshot {
  const now = Date.now();
  const rows = Array.from({ length: ACCOUNTS }, (_, a) => rowsOf(a, now, tick)).flat();
  return { serverTime: now, demo: false, rows, pollIntervalMs: 1000, staleAfterMs: 3000 };
}

/** The stand-in stream: the snapshot, then each account once a second, in 250 ms writes. */
function serveStream(res: ServerResponse, counter: { updates: number }): void {
  res.writeHead(200, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-store",
  });
  res.write(`retry: 1000\n\n${frame("snapshot", snapshot(0))}`);
  const perWrite = Math.ceil(ACCOUNTS / (1000 / WRITE_EVERY_MS));
  let next = 0;
  let tick = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    let chunk = "";
    for (let i = 0; i < perWrite; i++) {
      const a = next;
      next = (next + 1) % ACCOUNTS;
      if (a === 0) tick += 1;
      const u: AccountUpdate = {
        accountId: `flood-${String(a).padStart(3, "0")}`,
        serverTime: now,
        rows: rowsOf(a, now, tick),
      };
      chunk += frame("account", u);
      counter.updates += SCOPES;
    }
    res.write(chunk);
  }, WRITE_EVERY_MS);
  res.on("close", () => clearInterval(timer));
}

function forward(appUrl: URL, req: IncomingMessage, res: ServerResponse): void {
  const up = request(
    {
      host: appUrl.hostname,
      port: appUrl.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  up.on("error", () => res.destroy());
  req.pipe(up);
}

async function startProxy(appUrl: string, counter: { updates: number }) {
  const app = new URL(appUrl);
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/api/stream") return serveStream(res, counter);
    if (req.method === "GET" && path === "/api/mmp") {
      res.writeHead(200, { "Content-Type": "application/json" });
      return res.end(JSON.stringify(snapshot(0)));
    }
    forward(app, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface InPage {
  tasks: number[];
  perSecond: number[];
  scrolledPx: number;
}

// Runs in the page, as plain JavaScript: a function compiled here would carry the bundler's
// helpers (esbuild's __name), which the page does not have. Counts long tasks, and frames per
// second while it scrolls the desk's table box (components/desk/desk-table.tsx) 40 px a frame.
const IN_PAGE = `(seconds) => new Promise((resolve) => {
  const tasks = [];
  const po = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) tasks.push(e.duration);
  });
  po.observe({ type: "longtask" });
  const perSecond = [];
  let frames = 0;
  let secondStart = performance.now();
  let direction = 1;
  let scrolledPx = 0;
  let box = document.scrollingElement || document.documentElement;
  for (let el = document.querySelector("tbody")?.parentElement; el; el = el.parentElement)
    if (el.scrollHeight > el.clientHeight + 1 && getComputedStyle(el).overflowY !== "visible") {
      box = el;
      break;
    }
  const end = secondStart + seconds * 1000;
  const frame = { next: null };
  frame.next = (t) => {
    frames += 1;
    if (t - secondStart >= 1000) {
      perSecond.push((frames * 1000) / (t - secondStart));
      frames = 0;
      secondStart = t;
    }
    const max = box.scrollHeight - box.clientHeight;
    if (box.scrollTop >= max - 1) direction = -1;
    else if (box.scrollTop <= 0) direction = 1;
    const from = box.scrollTop;
    box.scrollTop += 40 * direction;
    scrolledPx += Math.abs(box.scrollTop - from);
    if (t < end) requestAnimationFrame(frame.next);
    else {
      po.disconnect();
      resolve({ tasks, perSecond, scrolledPx });
    }
  };
  requestAnimationFrame(frame.next);
})`;

export async function rowFlood(
  browser: Browser,
  appUrl: string,
  opts: { seconds: number },
): Promise<RowFlood> {
  const counter = { updates: 0 };
  const proxy = await startProxy(appUrl, counter);
  const context = await signedInContext(browser, proxy.url, "viewer1");
  const pageErrors: string[] = [];
  try {
    const page = await context.newPage();
    page.on(
      "pageerror",
      (err) => pageErrors.length < 5 && pageErrors.push(err.message.slice(0, 200)),
    );
    page.on("console", (m) => {
      if (m.type() === "error" && pageErrors.length < 5)
        pageErrors.push(m.text().split("\n")[0]!.slice(0, 200));
    });
    await page.goto(`${proxy.url}/`, { waitUntil: "load", timeout: 60_000 });
    const rows = ACCOUNTS * SCOPES;
    await untilDeskRows(page, rows, 60_000);
    const rowsRendered = await page.evaluate(deskRows);
    counter.updates = 0;
    // Long tasks from now on, and frames per second while the table scrolls down and up by
    // about a row a frame, as a person looking for a row would.
    const m = (await page.evaluate(`(${IN_PAGE})(${opts.seconds})`)) as InPage;
    const over = m.tasks.filter((d) => d > 50);
    const result: RowFlood = {
      rows,
      rowsRendered,
      seconds: opts.seconds,
      updatesSent: counter.updates,
      longTasks: over.length,
      longestTaskMs: round(Math.max(0, ...m.tasks), 0),
      longTaskMsTotal: round(
        over.reduce((a, b) => a + b, 0),
        0,
      ),
      fps: round(m.perSecond.reduce((a, b) => a + b, 0) / Math.max(1, m.perSecond.length), 1),
      worstSecondFps: round(Math.min(...m.perSecond), 1),
      scrolledPx: Math.round(m.scrolledPx),
      pageErrors,
    };
    log(
      `row flood: ${rowsRendered} rows, ${result.longTasks} long tasks (longest ${result.longestTaskMs} ms), ${result.fps} fps (worst second ${result.worstSecondFps})`,
    );
    return result;
  } finally {
    await context.close();
    await proxy.close();
  }
}
