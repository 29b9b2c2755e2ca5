"use client";

import { useEffect, useState } from "react";
import type { AlertStore } from "@/lib/client/alert-store";
import { createAlertAudio, playBeep } from "@/lib/client/alert-sound";
import {
  notify,
  requestNotificationPermission,
  useNotificationPermission,
} from "@/lib/client/notification-permission";
import { useHydrated } from "@/lib/client/use-hydrated";

type Size = "desk" | "wall";

const LOOK: Record<Size, { group: string; button: string }> = {
  desk: { group: "gap-2 text-sm", button: "px-2 py-0.5 text-sm" },
  wall: { group: "gap-3 text-xl", button: "px-3 py-1 text-xl" },
};

// Sound and system notifications for freezes. Browsers only allow audio after a user gesture, so
// sound starts "off" and says so; one click arms it for as long as the page stays open (a wall
// screen is armed once when it is set up). Arming plays one beep, so whoever sets up the screen
// hears that the speakers work.
export function AlertControls({ store, size = "desk" }: { store: AlertStore; size?: Size }) {
  const [audio, setAudio] = useState<AudioContext | null>(null);
  const [soundUnavailable, setSoundUnavailable] = useState(false);
  const permission = useNotificationPermission();
  const hydrated = useHydrated();
  const look = LOOK[size];

  useEffect(() => {
    if (!audio) return;
    const stop = store.onAlert(() => playBeep(audio));
    return () => {
      stop();
      void audio.close();
    };
  }, [audio, store]);

  useEffect(() => {
    if (permission !== "granted") return;
    return store.onAlert((a) => notify("MMP freeze", a.text, `freeze:${a.rowId}:${a.at}`));
  }, [permission, store]);

  const arm = () => {
    const ctx = createAlertAudio();
    if (!ctx) return setSoundUnavailable(true);
    playBeep(ctx, 0.15);
    setAudio(ctx);
  };

  const button = `rounded border border-slate-500 font-semibold text-slate-100 hover:bg-slate-800 disabled:opacity-60 ${look.button}`;
  return (
    <div
      role="group"
      aria-label="Alert sound and notifications"
      className={`flex flex-wrap items-center ${look.group}`}
    >
      {audio ? (
        <>
          <span className="inline-flex items-center gap-1.5 font-semibold text-emerald-300">
            <SpeakerIcon on />
            Sound on
          </span>
          <button type="button" className={button} onClick={() => setAudio(null)}>
            Mute
          </button>
        </>
      ) : (
        <>
          <span className="inline-flex items-center gap-1.5 font-semibold text-amber-200">
            <SpeakerIcon on={false} />
            {soundUnavailable ? "Sound unavailable in this browser" : "Sound off"}
          </span>
          {!soundUnavailable && (
            <button type="button" className={button} onClick={arm} disabled={!hydrated}>
              Arm sound
            </button>
          )}
        </>
      )}
      {permission === "default" && (
        <button
          type="button"
          className={button}
          onClick={() => void requestNotificationPermission()}
        >
          Enable notifications
        </button>
      )}
      {permission === "granted" && <span className="text-slate-300">Notifications on</span>}
      {permission === "denied" && (
        <span className="text-slate-400">Notifications blocked in browser settings</span>
      )}
    </div>
  );
}

// Drawn, not an emoji: wall displays and kiosk browsers often lack an emoji font.
function SpeakerIcon({ on }: { on: boolean }) {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 16 16"
      className="size-[1.1em] shrink-0"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d="M2.5 6h2.5l3.5-3v10l-3.5-3H2.5z" />
      {on ? (
        <path d="M11 5.5a3.5 3.5 0 0 1 0 5M12.8 3.8a6 6 0 0 1 0 8.4" />
      ) : (
        <path d="M11 6l4 4M15 6l-4 4" />
      )}
    </svg>
  );
}
