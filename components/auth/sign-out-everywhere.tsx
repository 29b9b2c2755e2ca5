"use client";

import { useState, type FormEvent } from "react";
import { fetchJson } from "@/lib/client/queries";
import { useHydrated } from "@/lib/client/use-hydrated";

// For admins: end every session of a user (POST /api/sessions/revoke). Their cookies stop working
// on the next request and their open pages lose the live stream within seconds.
export function SignOutEverywhere() {
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const hydrated = useHydrated();

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const username = String(new FormData(e.currentTarget).get("username") ?? "").trim();
    setBusy(true);
    setMessage(null);
    try {
      const r = await fetchJson<{ username: string; ended: number }>("/api/sessions/revoke", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username }),
        timeoutMs: 10_000,
      });
      setMessage(
        `${r.username} signed out everywhere (${r.ended} session${r.ended === 1 ? "" : "s"} ended).`,
      );
    } catch (err) {
      setMessage(err instanceof Error ? err.message : "Could not sign the user out.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <details className="relative">
      <summary className="cursor-pointer rounded border border-slate-700 px-2 py-1 text-sm text-slate-200 hover:bg-slate-800 focus-visible:outline-2 focus-visible:outline-sky-400">
        Sessions
      </summary>
      <form
        method="post"
        onSubmit={onSubmit}
        className="absolute right-0 z-10 mt-1 w-72 space-y-2 rounded border border-slate-700 bg-slate-900 p-3 shadow-lg"
      >
        <label className="block text-sm text-slate-300">
          Username
          <input
            name="username"
            required
            autoComplete="off"
            className="mt-1 w-full rounded border border-slate-600 bg-slate-950 px-2 py-1 text-slate-100 focus-visible:outline-2 focus-visible:outline-sky-400"
          />
        </label>
        <button
          type="submit"
          disabled={busy || !hydrated}
          className="w-full rounded bg-rose-700 px-2 py-1 text-sm font-semibold text-white hover:bg-rose-600 disabled:opacity-60"
        >
          {busy ? "Signing out…" : "Sign out everywhere"}
        </button>
        {message ? (
          <p role="status" className="text-sm text-slate-300">
            {message}
          </p>
        ) : null}
      </form>
    </details>
  );
}
