"use client";

import type { DeskWarning } from "@/lib/client/warnings";
import { warningKey, warningWords } from "@/lib/client/warnings";

export type BannerSize = "desk" | "wall";

const LOOK: Record<BannerSize, { list: string; item: string }> = {
  desk: {
    list: "flex flex-col gap-1",
    item: "flex items-start gap-2 rounded-md border border-amber-400 bg-amber-950 px-3 py-2 text-sm font-medium text-amber-100",
  },
  wall: {
    list: "flex flex-col gap-1",
    item: "flex items-start gap-3 rounded-lg border-2 border-amber-300 bg-amber-950 px-5 py-1.5 text-2xl font-bold leading-snug text-amber-50",
  },
};

interface Props {
  warnings: readonly DeskWarning[];
  /** Server time the desk is at: times on another day get their date. */
  refMs: number;
  size?: BannerSize;
  /** The wall has no scrollbar to reach a long list: show this many and count the rest. */
  max?: number;
}

// Full-width warnings about the data itself (stream down, a venue failing, stale rows). One live
// region, so a new warning is announced; the time of the data sits outside it (aria-live="off")
// because it advances with every poll while the stream is down.
export function LiveBanners({ warnings, refMs, size = "desk", max = Infinity }: Props) {
  const look = LOOK[size];
  // Lost updates and stale rows are never folded into "… and N more": they say the screen itself
  // cannot be trusted. Venue warnings fill what room is left.
  const pinned = (w: DeskWarning) => w.kind === "stream" || w.kind === "stale";
  const room = Math.max(0, max - warnings.filter(pinned).length);
  let others = 0;
  const shown = warnings.filter((w) => pinned(w) || others++ < room);
  const more = warnings.length - shown.length;
  return (
    <div role="alert" className={`${look.list} empty:hidden`}>
      {shown.map((w) => {
        const words = warningWords(w, refMs);
        return (
          <p key={warningKey(w)} className={look.item} data-warning={w.kind}>
            <span aria-hidden="true" className="text-amber-300">
              ⚠
            </span>
            <span className="[overflow-wrap:anywhere]">
              {words.before}
              {words.time && <span aria-live="off">{words.time}</span>}
              {words.after}
            </span>
          </p>
        );
      })}
      {more > 0 && (
        <p className={look.item}>
          <span aria-hidden="true" className="text-amber-300">
            ⚠
          </span>
          <span>
            … and {more} more {more === 1 ? "warning" : "warnings"}
          </span>
        </p>
      )}
    </div>
  );
}
