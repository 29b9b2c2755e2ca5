import type { AppUnderTest } from "../tests/support/app-server";
import { fixtureAccount } from "../tests/support/fixtures";
import { signIn } from "../tests/support/session";
import { simControl } from "../tests/support/sim-client";
import { resetViaApi } from "./api";
import { openFds, treeRssMiB } from "./machine";
import { openMany } from "./sse";
import { log, percentile, round, sleep, summarise, type Summary } from "./stats";

// Figure 4: N concurrent stream clients held on one app process. Reports how many connected,
// stayed connected and kept receiving updates, the app's memory (RSS of the `next start` process
// tree) idle / peak / after, and — as a probe of freshness under that load — how long a freeze
// takes to reach every one of the N clients. The freeze is on a push venue (Deribit's trigger
// channel), so what is measured is the desk's fan-out, not a poll interval.

const PROBE_ACCOUNT = "deribit-main";
const PROBE_SCOPE = "eth_usd";

export interface StreamCapacity {
  /** The row the freeze probe froze. */
  probe: string;
  requested: number;
  openedOk: number;
  refused: Record<string, number>;
  openSeconds: number;
  holdSeconds: number;
  connectedAtEnd: number;
  receivedUpdatesDuringHold: number;
  receivedUpdatesInLast10s: number;
  accountEventsPerClient: { min: number; p50: number; max: number };
  rssMiB: {
    idle: number | null;
    peak: number | null;
    atEnd: number | null;
    afterClose: number | null;
  };
  rssPerStreamKiB: number | null;
  appOpenFdsPeak: number | null;
  freezeToAllClients: { reached: number; ofClients: number; ms: Summary };
}

export async function streamCapacity(
  app: AppUnderTest,
  opts: { clients: number; holdMs: number; openBudgetMs: number },
): Promise<StreamCapacity> {
  if (!app.pid) throw new Error("app pid unknown");
  const pid = app.pid;
  const ctl = simControl(app.sim.url);
  const users = ["viewer1", "trader6", "trader7", "trader8", "trader9", "trader10"];
  const cookies = await Promise.all(users.map((u) => signIn(app.url, u)));
  const trader = cookies[1]!;
  await sleep(2000);
  const idle = treeRssMiB(pid);

  const probeRow = `"rowId":"${PROBE_ACCOUNT}/${PROBE_SCOPE}"`;
  const arrival: (number | null)[] = Array.from({ length: opts.clients }, () => null);
  let probeSince = Number.POSITIVE_INFINITY;
  const openStarted = performance.now();
  const streams = await openMany(
    opts.clients,
    50,
    `${app.url}/api/stream`,
    cookies,
    (i) => (e) => {
      if (
        e.event === "transition" &&
        arrival[i] === null &&
        e.at >= probeSince &&
        e.data.includes(probeRow) &&
        e.data.includes('"to":"frozen"')
      )
        arrival[i] = e.at - probeSince;
    },
    Date.now() + opts.openBudgetMs,
  );
  const openSeconds = round((performance.now() - openStarted) / 1000, 1);
  const refused: Record<string, number> = {};
  for (const s of streams)
    if (s.status !== 200) refused[String(s.status)] = (refused[String(s.status)] ?? 0) + 1;
  if (streams.length < opts.clients)
    log(`stream capacity: only ${streams.length} of ${opts.clients} opened within the open budget`);
  log(
    `stream capacity: ${streams.length - Object.values(refused).reduce((a, b) => a + b, 0)} of ${opts.clients} open in ${openSeconds} s`,
  );

  let peak = treeRssMiB(pid);
  let fdsPeak = openFds(pid);
  const atStart = streams.map((s) => s.accountEvents);
  let atLast10s: number[] = atStart;
  const started = Date.now();
  let probed = false;
  while (Date.now() - started < opts.holdMs) {
    await sleep(2000);
    const rss = treeRssMiB(pid);
    if (rss !== null && (peak === null || rss > peak)) peak = rss;
    const fds = openFds(pid);
    if (fds !== null && (fdsPeak === null || fds > fdsPeak)) fdsPeak = fds;
    const elapsed = Date.now() - started;
    if (!probed && elapsed >= opts.holdMs / 2) {
      probed = true;
      probeSince = performance.now();
      await ctl.freeze(fixtureAccount(PROBE_ACCOUNT).apiKey, PROBE_SCOPE);
    }
    if (elapsed >= opts.holdMs - 10_000 && atLast10s === atStart)
      atLast10s = streams.map((s) => s.accountEvents);
  }
  const atEnd = treeRssMiB(pid);
  const during = streams.map((s, i) => s.accountEvents - atStart[i]!);
  const result: StreamCapacity = {
    probe: `${PROBE_ACCOUNT}/${PROBE_SCOPE}`,
    requested: opts.clients,
    openedOk: streams.filter((s) => s.status === 200).length,
    refused,
    openSeconds,
    holdSeconds: round((Date.now() - started) / 1000, 1),
    connectedAtEnd: streams.filter((s) => s.connected).length,
    receivedUpdatesDuringHold: during.filter((n) => n > 0).length,
    receivedUpdatesInLast10s: streams.filter((s, i) => s.accountEvents > atLast10s[i]!).length,
    accountEventsPerClient: {
      min: Math.min(...during),
      p50: percentile(during, 50),
      max: Math.max(...during),
    },
    rssMiB: { idle, peak, atEnd, afterClose: null },
    rssPerStreamKiB:
      idle !== null && peak !== null && streams.length > 0
        ? round(((peak - idle) * 1024) / streams.length, 1)
        : null,
    appOpenFdsPeak: fdsPeak,
    freezeToAllClients: {
      reached: arrival.filter((a) => a !== null).length,
      ofClients: streams.filter((s) => s.connected).length,
      ms: summarise(arrival.filter((a): a is number => a !== null)),
    },
  };
  streams.forEach((s) => s.close());
  await sleep(5000);
  result.rssMiB.afterClose = treeRssMiB(pid);
  const r = await resetViaApi(app.url, trader, PROBE_ACCOUNT, PROBE_SCOPE);
  if (r.status !== 200) log(`stream capacity: probe reset answered ${r.status}`);
  return result;
}
