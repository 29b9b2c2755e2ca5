"use client";

import { useEffect, useState, type RefObject } from "react";

// How many rows fit on the wall below the header, alerts and banners and above the footer, in
// two columns: so the list never runs off the bottom of a display nobody scrolls, and what does
// not fit is counted (fit-rows.ts) instead. Re-measured whenever the viewport or the area above
// the list changes size (a banner or an alert appears or goes away). null until measured.
export function useRowCapacity(
  above: RefObject<HTMLElement | null>,
  list: RefObject<HTMLElement | null>,
  below: RefObject<HTMLElement | null>,
  columns = 2,
): number | null {
  const [capacity, setCapacity] = useState<number | null>(null);
  useEffect(() => {
    const measure = () => {
      const el = list.current;
      if (!el) return;
      const first = el.firstElementChild;
      const gap = parseFloat(getComputedStyle(el).rowGap) || 0;
      const pitch = (first?.getBoundingClientRect().height ?? 48) + gap;
      const top = el.getBoundingClientRect().top;
      const bottom = below.current?.getBoundingClientRect().height ?? 0;
      // Spacing of the page itself (padding and the gap above the footer).
      const room = window.innerHeight - top - bottom - 24;
      const lines = Math.max(2, Math.floor((room + gap) / pitch));
      setCapacity(lines * columns);
    };
    // A ResizeObserver reports once on observe, which doubles as the first measurement.
    const observer = new ResizeObserver(measure);
    if (above.current) observer.observe(above.current);
    if (below.current) observer.observe(below.current);
    window.addEventListener("resize", measure);
    return () => {
      observer.disconnect();
      window.removeEventListener("resize", measure);
    };
  }, [above, list, below, columns]);
  return capacity;
}
