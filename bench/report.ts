import type { AuditLoad } from "./audit-load";
import type { FanOut } from "./fan-out";
import type { Floor } from "./floor";
import type { Freshness } from "./freshness";
import type { Machine } from "./machine";
import type { Lcp, PageWeight } from "./page-perf";
import type { RefusalFlood } from "./refusal-flood";
import type { ResetOverhead } from "./reset-overhead";
import type { RowFlood } from "./row-flood";
import type { StreamCapacity } from "./stream-capacity";

// Targets (the product's quality bars, listed in README "Performance"; not test assertions) and
// the table printed to stdout and written to bench/results.md.

export type Failed = { error: string };
export type Outcome<T> = T | Failed;
const failed = <T>(o: Outcome<T> | undefined): o is Failed | undefined =>
  o === undefined || (typeof o === "object" && o !== null && "error" in o);

export interface Figures {
  floor?: Outcome<Floor>;
  resetOverhead?: Outcome<ResetOverhead>;
  fanOut?: Outcome<FanOut>;
  freshness?: { poll?: Outcome<Freshness>; push?: Outcome<Freshness> };
  streamCapacity?: Outcome<StreamCapacity>;
  pageWeight?: Outcome<{ home: PageWeight; screen: PageWeight }>;
  lcp?: Outcome<Lcp>;
  rowFlood?: Outcome<RowFlood>;
  auditLoad?: Outcome<AuditLoad>;
  refusalFlood?: Outcome<RefusalFlood>;
}

export interface Target {
  figure: string;
  measured: string;
  target: string;
  hit: boolean | null;
  value: number | null;
}

const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : "n/a");

export function targets(f: Figures): Record<string, Target> {
  const t: Record<string, Target> = {};
  const add = (
    key: string,
    figure: string,
    target: string,
    value: number | null,
    limit: number,
    measured: string,
  ) =>
    (t[key] = {
      figure,
      target,
      value,
      measured,
      hit: value === null || !Number.isFinite(value) ? null : value <= limit,
    });
  const floor = failed(f.floor) ? null : f.floor;
  const routeFloor = floor
    ? `; a bare Next.js route costs ${fmt(floor.nextRouteMs.p50 - floor.bareNodeMs.p50)} ms over bare node:http at p50 in this run`
    : "";
  const streamFloor =
    floor?.streamRss.perStreamKiB != null
      ? `; a bare Next.js route holding ${floor.streamRss.streams} streams: ${fmt(floor.streamRss.perStreamKiB)} KiB per stream in this run`
      : "";
  const r = f.resetOverhead;
  if (!failed(r)) {
    add(
      "resetAddedMsVsDirect",
      "Reset p50 added over a direct signed call, 20 ms venue latency",
      "≤ +2 ms",
      r.addedMsP50VsDirect,
      2,
      `+${fmt(r.addedMsP50VsDirect)} ms (${fmt(r.app.p50)} vs ${fmt(r.direct.p50)} ms)${routeFloor}`,
    );
    add(
      "resetRatioVsDirect",
      "Reset p50 / direct signed call p50",
      "≤ 1.10×",
      r.ratioP50VsDirect,
      1.1,
      `${fmt(r.ratioP50VsDirect, 3)}×`,
    );
    add(
      "resetP99VsDirect",
      "Reset p99 vs direct p99",
      "≤ direct p99 + 10 ms",
      r.addedMsP99VsDirect,
      10,
      `${fmt(r.app.p99)} vs ${fmt(r.direct.p99)} ms (+${fmt(r.addedMsP99VsDirect)}); token wait p99 ${fmt(r.appSpans.token?.p99 ?? Number.NaN)} ms`,
    );
  }
  const fo = f.fanOut;
  if (!failed(fo)) {
    add(
      "fanOutRatio",
      "Fan-out: upstream MMP reads/min, 200 vs 1 viewers",
      "≤ 1.05×",
      fo.ratio,
      1.05,
      `${fmt(fo.many.mmpReadsPerMinute, 0)} vs ${fmt(fo.one.mmpReadsPerMinute, 0)} /min = ${fmt(fo.ratio, 3)}×`,
    );
  }
  const poll = f.freshness?.poll;
  if (!failed(poll)) {
    add(
      "freshnessPollP95",
      `Freshness (poll ${poll.pollIntervalMs} ms): freeze → transition p95`,
      `≤ ${poll.pollIntervalMs + 250} ms`,
      poll.samples.p95,
      poll.pollIntervalMs + 250,
      `p50 ${fmt(poll.samples.p50, 0)} / p95 ${fmt(poll.samples.p95, 0)} ms (n=${poll.samples.n}, missed ${poll.missed})`,
    );
  }
  const push = f.freshness?.push;
  if (!failed(push)) {
    add(
      "freshnessPushP95",
      "Freshness (Deribit push): freeze → transition p95",
      "≤ 250 ms",
      push.samples.p95,
      250,
      `p50 ${fmt(push.samples.p50, 0)} / p95 ${fmt(push.samples.p95, 0)} ms (n=${push.samples.n}, missed ${push.missed})`,
    );
  }
  const c = f.streamCapacity;
  if (!failed(c)) {
    const ok = Math.min(c.connectedAtEnd, c.receivedUpdatesInLast10s);
    t.streamCapacity = {
      figure: `Streams on one process, each receiving every update (${c.requested} held ${fmt(c.holdSeconds, 0)} s)`,
      target: `${c.requested}, RSS growth ≤ 32 KiB per stream`,
      value: c.rssPerStreamKiB,
      hit: ok >= c.requested && c.rssPerStreamKiB !== null && c.rssPerStreamKiB <= 32,
      measured: `${c.connectedAtEnd} connected, ${c.receivedUpdatesInLast10s} updated in last 10 s; RSS ${fmt(c.rssMiB.idle ?? Number.NaN, 0)} → peak ${fmt(c.rssMiB.peak ?? Number.NaN, 0)} MiB = ${fmt(c.rssPerStreamKiB ?? Number.NaN)} KiB per stream${streamFloor}`,
    };
    const all = c.freezeToAllClients;
    t.freezeToAllStreams = {
      figure: `Freeze → delivered to every open stream, p99 (${c.probe}, ${all.ofClients} streams)`,
      target: "≤ 250 ms",
      value: all.ms.p99,
      hit: all.reached === all.ofClients && Number.isFinite(all.ms.p99) && all.ms.p99 <= 250,
      measured: `p50 ${fmt(all.ms.p50, 0)} / p99 ${fmt(all.ms.p99, 0)} ms, reached ${all.reached} of ${all.ofClients}`,
    };
  }
  const pw = f.pageWeight;
  const empty = floor?.emptyPage ?? null;
  if (!failed(pw)) {
    const home = pw.home;
    const present = home.status === 200 && home.finalPath === home.path;
    add(
      "pageWeightHome",
      "First-load JS of / (gzip)",
      "≤ 130 kB",
      present ? home.gzipKB : null,
      130,
      present
        ? `${fmt(home.gzipKB)} kB in ${home.scripts} scripts${empty ? `; an empty App Router page: ${fmt(empty.gzipKB)} kB in this run` : ""}`
        : `page not served (HTTP ${home.status}, ended at ${home.finalPath})`,
    );
    t.pageWeightScreen = {
      figure: "First-load JS of /screen (gzip), for reference",
      target: "—",
      value: pw.screen.gzipKB,
      hit: null,
      measured: `${fmt(pw.screen.gzipKB)} kB in ${pw.screen.scripts} scripts`,
    };
  }
  const l = f.lcp;
  if (!failed(l)) {
    const clean = l.loads > 0;
    const max = clean ? Math.max(...l.lcpMs) : Number.NaN;
    t.lcp = {
      figure: `Desk LCP with ${l.rowsConfigured} rows, median of ${l.loads} (max)`,
      target: "≤ 500 ms (≤ 800)",
      value: clean ? l.medianLcpMs : null,
      hit: clean ? l.medianLcpMs <= 500 && max <= 800 : null,
      measured: clean
        ? `${fmt(l.medianLcpMs, 0)} ms (max ${fmt(max, 0)}; FCP ${fmt(l.medianFcpMs, 0)}, TTFB ${fmt(l.medianTtfbMs, 0)} ms)${l.failedLoads ? `; ${l.failedLoads} failed loads left out` : ""}`
        : `no clean load (${l.failedLoads} failed: ${[...new Set(l.pageErrors)].join(" | ") || "rows missing"}); all loads ${l.allLoadsLcpMs.join(", ")} ms`,
    };
  }
  const rf = f.rowFlood;
  const floodFigure = "5,000 rows, every row updated once a second for 60 s";
  const floodTarget = "no long task > 50 ms, ≥ 55 fps while scrolling";
  if (!failed(rf)) {
    const clean = rf.rowsRendered >= rf.rows && rf.pageErrors.length === 0;
    t.rowUpdates5000 = {
      figure: floodFigure,
      target: floodTarget,
      value: clean ? rf.longestTaskMs : null,
      hit: clean ? rf.longTasks === 0 && rf.worstSecondFps >= 55 : null,
      measured: clean
        ? `${rf.longTasks} long tasks > 50 ms (longest ${fmt(rf.longestTaskMs, 0)} ms, ${fmt(rf.longTaskMsTotal, 0)} ms in all); ${fmt(rf.fps)} fps (worst second ${fmt(rf.worstSecondFps)}); ${rf.updatesSent} row updates in ${rf.seconds} s`
        : `no clean run: ${rf.rowsRendered} of ${rf.rows} rows rendered${rf.pageErrors.length ? `; ${rf.pageErrors.join(" | ")}` : ""}`,
    };
  } else {
    t.rowUpdates5000 = {
      figure: floodFigure,
      target: floodTarget,
      value: null,
      hit: null,
      measured: rf ? `failed: ${rf.error}` : "not measured",
    };
  }
  const al = f.auditLoad;
  if (!failed(al)) {
    const rows = `${(al.trailRows / 1e6).toFixed(al.trailRows % 1e6 ? 2 : 0)} M-row trail, 3 audit readers`;
    add(
      "auditP95",
      `GET /api/audit p95, ${rows}`,
      "≤ 100 ms",
      al.steady.audit.p95,
      100,
      `p50 ${fmt(al.steady.audit.p50)} / p95 ${fmt(al.steady.audit.p95)} ms (n=${al.steady.audit.n}, errors ${al.steady.errors})`,
    );
    add(
      "mmpP99UnderAudit",
      `GET /api/mmp p99, ${rows}`,
      "≤ 50 ms",
      al.steady.mmp.p99,
      50,
      `p50 ${fmt(al.steady.mmp.p50)} / p99 ${fmt(al.steady.mmp.p99)} ms (n=${al.steady.mmp.n})`,
    );
  }
  const fl = f.refusalFlood;
  if (!failed(fl)) {
    add(
      "floodAuditRows",
      `Refusal flood (${fl.refusedRequests} refused in ${fmt(fl.floodSeconds, 0)} s): audit rows added per minute`,
      "≤ 5 /min",
      fl.auditRowsPerMinute,
      5,
      `${fl.auditRowsAdded} rows (${fmt(fl.auditRowsPerMinute)} /min)`,
    );
    add(
      "floodResetP50",
      "Refusal flood: another user's reset p50, during / before",
      "≤ 1.10×",
      fl.p50Ratio,
      1.1,
      `${fmt(fl.traderDuring.p50)} / ${fmt(fl.traderBefore.p50)} ms = ${fmt(fl.p50Ratio, 3)}× (n=${fl.traderDuring.n}/${fl.traderBefore.n})`,
    );
  }
  return t;
}

export function table(
  machine: Machine,
  f: Figures,
  t: Record<string, Target>,
  totalSeconds: number,
): string {
  const verdict = (h: boolean | null) => (h === null ? "n/a" : h ? "hit" : "MISS");
  const lines = [
    `Benchmarks — ${machine.date.slice(0, 16).replace("T", " ")} UTC, ${machine.cpus}× ${machine.cpuModel}, ${machine.memGiB} GiB, Node ${machine.node}, ${machine.platform} (load ${machine.loadAvg1mAtStart} at start; run took ${totalSeconds.toFixed(0)} s)`,
    "",
    "| figure | measured | target | |",
    "|---|---|---|---|",
    ...Object.values(t).map(
      (x) => `| ${x.figure} | ${x.measured} | ${x.target} | ${verdict(x.hit)} |`,
    ),
  ];
  const errors = Object.entries({
    floor: f.floor,
    resetOverhead: f.resetOverhead,
    fanOut: f.fanOut,
    "freshness.poll": f.freshness?.poll,
    "freshness.push": f.freshness?.push,
    streamCapacity: f.streamCapacity,
    pageWeight: f.pageWeight,
    lcp: f.lcp,
    auditLoad: f.auditLoad,
    refusalFlood: f.refusalFlood,
  }).filter(([, v]) => v !== undefined && failed(v));
  for (const [name, v] of errors)
    lines.push(`| ${name} | failed: ${(v as Failed).error.split("\n")[0]} | | n/a |`);
  return lines.join("\n");
}

/** A few more numbers under the table (for the README's performance section). */
export function details(f: Figures): string {
  const out: string[] = [];
  const floor = f.floor;
  if (!failed(floor))
    out.push(
      `Floors in this run: a Next.js route handler answering {ok:true} p50 ${fmt(floor.nextRouteMs.p50, 2)} / p99 ${fmt(floor.nextRouteMs.p99, 2)} ms; ` +
        `bare node:http p50 ${fmt(floor.bareNodeMs.p50, 2)} / p99 ${fmt(floor.bareNodeMs.p99, 2)} ms (n=${floor.nextRouteMs.n} each); ` +
        `an empty App Router page's first-load JS ${floor.emptyPage ? `${fmt(floor.emptyPage.gzipKB)} kB gzip in ${floor.emptyPage.scripts} scripts` : "n/a"}; ` +
        `a route handler that only holds streams: RSS ${fmt(floor.streamRss.idleMiB ?? Number.NaN, 0)} → ${fmt(floor.streamRss.peakMiB ?? Number.NaN, 0)} MiB with ${floor.streamRss.streams} streams, ${fmt(floor.streamRss.perStreamKiB ?? Number.NaN)} KiB per stream.`,
      "",
    );
  const r = f.resetOverhead;
  if (!failed(r)) {
    const row = (name: string, s: { n: number; p50: number; p99: number; mean: number }) =>
      `| ${name} | ${s.n} | ${fmt(s.p50, 2)} | ${fmt(s.p99, 2)} | ${fmt(s.mean, 2)} |`;
    out.push(
      `Reset of Bybit ${r.path} with ${r.injectedLatencyMs} ms injected venue latency, ${r.rounds} interleaved rounds (ms):`,
      "",
      "| path | n | p50 | p99 | mean |",
      "|---|---|---|---|---|",
      row("POST /api/mmp/reset (app)", r.app),
      row("direct signed fetch", r.direct),
      row("bybit-api RestClientV5.resetMMP", r.sdk),
      row("venue round trip as the app measured it", r.appVenueRoundTrip),
      row("app refusing an ACTIVE row (409, no venue call)", r.refusedNoVenueCall),
      row("app: request sent → reset arrives at venue", r.appBreakdown.beforeVenueMs),
      row("app: venue answered → response received", r.appBreakdown.afterVenueMs),
      row("app: venue answered → first re-read arrives", r.appBreakdown.reReadStartsAfterMs),
      row("app: venue answered → last re-read arrives", r.appBreakdown.lastReReadArrivesAfterMs),
      row("app: last re-read arrives → response received", r.appBreakdown.afterLastReReadMs),
      row("MMP reads at the venue during an app reset (count)", r.appBreakdown.readsDuringReset),
      "",
      `Errors: app ${r.errors.app.length}${r.errors.app.length ? ` (${[...new Set(r.errors.app)].join(", ")})` : ""}, direct ${r.errors.direct.length}, sdk ${r.errors.sdk.length}; app waits timed out: ${r.appWaitTimeouts}; ` +
        `venue rejections in the log: ${JSON.stringify(r.venueRejections)}.`,
      "",
      "Where an app reset's time goes, by its Server-Timing header (ms; `check` and `result` " +
        "contain their own `venue` and `token` time; `token` is the wait for a rate-budget token):",
      "",
      "| span | n | p50 | p99 | mean |",
      "|---|---|---|---|---|",
      ...Object.entries(r.appSpans).map(([name, s]) => row(name, s)),
      "",
    );
  }
  const fo = f.fanOut;
  if (!failed(fo))
    out.push(
      `Fan-out (${fo.windowMs / 1000} s windows, poll ${fo.pollIntervalMs} ms): 1 client → ${fo.one.mmpReads} MMP reads (${fo.one.allVenueRequests} venue requests); ` +
        `200 clients (${fo.many.connected} connected, ${fo.many.receivedUpdates} updated) → ${fo.many.mmpReads} MMP reads (${fo.many.allVenueRequests} venue requests).`,
      "",
    );
  const poll = f.freshness?.poll;
  if (!failed(poll) && poll.breakdown)
    out.push(
      `Freshness (poll) split: freeze → the monitor's next read of the row arrives at the venue p50 ${fmt(poll.breakdown.untilNextReadMs.p50, 0)} / p95 ${fmt(poll.breakdown.untilNextReadMs.p95, 0)} ms; ` +
        `that read → transition at the viewer p50 ${fmt(poll.breakdown.readToViewerMs.p50, 0)} / p95 ${fmt(poll.breakdown.readToViewerMs.p95, 0)} ms (n=${poll.breakdown.readToViewerMs.n}).` +
        (poll.resetErrors.length
          ? ` Reset errors between samples: ${[...new Set(poll.resetErrors)].join(", ")}.`
          : ""),
      "",
    );
  const c = f.streamCapacity;
  if (!failed(c))
    out.push(
      `Streams: ${c.openedOk}/${c.requested} opened in ${c.openSeconds} s${Object.keys(c.refused).length ? ` (refused ${JSON.stringify(c.refused)})` : ""}; ` +
        `account events per client during the hold min ${c.accountEventsPerClient.min} / p50 ${c.accountEventsPerClient.p50} / max ${c.accountEventsPerClient.max}; ` +
        `RSS idle ${c.rssMiB.idle} MiB, peak ${c.rssMiB.peak} MiB, at end ${c.rssMiB.atEnd} MiB, after close ${c.rssMiB.afterClose} MiB (≈ ${c.rssPerStreamKiB} KiB per stream); ` +
        `open fds peak ${c.appOpenFdsPeak}; a freeze reached ${c.freezeToAllClients.reached}/${c.freezeToAllClients.ofClients} clients, ` +
        `p50 ${fmt(c.freezeToAllClients.ms.p50, 0)} / p99 ${fmt(c.freezeToAllClients.ms.p99, 0)} / max ${fmt(c.freezeToAllClients.ms.max, 0)} ms after the venue froze.`,
      "",
    );
  const pw = f.pageWeight;
  if (!failed(pw))
    out.push(
      `Page weight (1,003-row desk): / ${pw.home.rawKB} kB raw JS, HTML document ${pw.home.documentRawKB} kB raw / ${pw.home.documentGzipKB} kB gzip; ` +
        `/screen ${pw.screen.rawKB} kB raw JS, HTML document ${pw.screen.documentRawKB} kB raw / ${pw.screen.documentGzipKB} kB gzip.` +
        ([...pw.home.pageErrors, ...pw.screen.pageErrors].length
          ? ` Page errors: ${[...new Set([...pw.home.pageErrors, ...pw.screen.pageErrors])].join(" | ")}`
          : ""),
      "",
    );
  const al = f.auditLoad;
  if (!failed(al)) {
    const phaseText = (p: NonNullable<AuditLoad["duringStartupVerification"]>) =>
      `/api/audit p50 ${fmt(p.audit.p50)} / p95 ${fmt(p.audit.p95)} / p99 ${fmt(p.audit.p99)} ms (n=${p.audit.n}); ` +
      `/api/mmp p50 ${fmt(p.mmp.p50)} / p99 ${fmt(p.mmp.p99)} ms (n=${p.mmp.n}); errors ${p.errors}`;
    out.push(
      `Audit load (${al.trailRows} rows): the start-up verification of the whole chain took ${al.startupVerificationSeconds ?? "n/a"} s (verdict ${al.verdictOk === null ? "n/a" : al.verdictOk ? "ok" : "NOT ok"}).`,
      al.duringStartupVerification
        ? `While it ran (${al.duringStartupVerification.seconds} s): ${phaseText(al.duringStartupVerification)}.`
        : "",
      `Steady (${al.steady.seconds} s): ${phaseText(al.steady)}.`,
      `Stress, the three readers without pause (${al.stress.seconds} s): ${phaseText(al.stress)}.`,
      `By filter (steady, p50 / p95 ms): ${Object.entries(al.steady.auditByFilter)
        .map(([k, v]) => `${k} ${fmt(v.p50)} / ${fmt(v.p95)}`)
        .join("; ")}.`,
      "",
    );
  }
  const fl = f.refusalFlood;
  if (!failed(fl))
    out.push(
      `Refusal flood: ${fl.refusedRequests} refused resets (${fl.refusedPerSecond}/s) from one viewer in ${fl.floodSeconds} s${Object.keys(fl.unexpected).length ? `, other answers ${JSON.stringify(fl.unexpected)}` : ""}; ${fl.auditRowsAdded} audit rows added. ` +
        `Another trader's resets: before p50 ${fmt(fl.traderBefore.p50)} / p95 ${fmt(fl.traderBefore.p95)} ms (n=${fl.traderBefore.n}), during p50 ${fmt(fl.traderDuring.p50)} / p95 ${fmt(fl.traderDuring.p95)} ms (n=${fl.traderDuring.n}).`,
      "",
    );
  const l = f.lcp;
  if (!failed(l))
    out.push(
      `LCP loads (ms): ${l.lcpMs.join(", ")}; rows rendered ${l.rowsRendered.join(", ")}${l.failedLoads ? ` (${l.failedLoads} loads failed — rows missing or a page error — and are not counted)` : ""}; LCP element ${l.lcpElement ?? "?"}.` +
        (l.pageErrors.length ? ` Page errors: ${[...new Set(l.pageErrors)].join(" | ")}` : ""),
    );
  return out.join("\n");
}
