"use client";

import { useEffect, useState, useSyncExternalStore } from "react";

type WakeState = "pending" | "active" | "refused" | "released";

const subscribeNothing = () => () => {};
// Refusals happen while the page is not yet allowed (not visible, no focus, power saving);
// trying again now and then keeps an unattended screen from giving up for good.
const RETRY_MS = 60_000;

// Keeps the display on with the Screen Wake Lock API. The browser drops the lock whenever the
// page is hidden (another tab, a locked session), so it is requested again each time the page
// becomes visible. Without the API the screen says it may sleep: the fix is a display setting.
export function WakeLockStatus({ className = "" }: { className?: string }) {
  const supported = useSyncExternalStore(
    subscribeNothing,
    () => "wakeLock" in navigator,
    () => null,
  );
  const [state, setState] = useState<WakeState>("pending");

  useEffect(() => {
    if (!supported) return;
    let sentinel: WakeLockSentinel | null = null;
    let disposed = false;
    const acquire = async () => {
      if (disposed || document.visibilityState !== "visible" || (sentinel && !sentinel.released))
        return;
      try {
        const lock = await navigator.wakeLock.request("screen");
        if (disposed) return void lock.release();
        sentinel = lock;
        setState("active");
        lock.addEventListener("release", () => !disposed && setState("released"));
      } catch {
        if (!disposed) setState("refused");
      }
    };
    const onVisible = () => void acquire();
    void acquire();
    document.addEventListener("visibilitychange", onVisible);
    const retry = setInterval(onVisible, RETRY_MS);
    return () => {
      disposed = true;
      clearInterval(retry);
      document.removeEventListener("visibilitychange", onVisible);
      void sentinel?.release();
    };
  }, [supported]);

  if (supported === null) return null;
  const text = !supported
    ? "Wake lock unsupported: screen may sleep"
    : state === "active"
      ? "Screen kept awake"
      : state === "pending"
        ? "Requesting wake lock…"
        : state === "refused"
          ? "Wake lock refused: screen may sleep"
          : "Wake lock released: screen may sleep";
  const ok = supported && state === "active";
  return (
    <span className={`${ok ? "text-slate-400" : "font-semibold text-amber-200"} ${className}`}>
      {!ok && <span aria-hidden="true">⚠ </span>}
      {text}
    </span>
  );
}
