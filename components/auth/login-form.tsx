"use client";

import { useState, type FormEvent } from "react";
import { signIn } from "next-auth/react";
import { useHydrated } from "@/lib/client/use-hydrated";

// Password sign-in (and SSO when configured). The callback path was already checked on the
// server; a full page load afterwards gives the server a clean request with the new cookie. An SSO
// sign-in that was refused comes back here with the server's message as `initialError`.
export function LoginForm({
  callbackPath,
  sso,
  initialError = null,
}: {
  callbackPath: string;
  sso: string | null;
  initialError?: string | null;
}) {
  const [error, setError] = useState<string | null>(initialError);
  const [busy, setBusy] = useState(false);
  const hydrated = useHydrated();

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    const res = await signIn("credentials", {
      username: String(data.get("username") ?? ""),
      password: String(data.get("password") ?? ""),
      redirect: false,
    });
    setBusy(false);
    if (res?.ok && !res.error) window.location.assign(callbackPath);
    // 429: the server slows repeated failures down (per username and per address).
    else if (res?.status === 429)
      setError("Too many sign-in attempts. Wait a little, then try again.");
    else setError("Wrong username or password.");
  }

  const field =
    "mt-1 w-full rounded border border-slate-600 bg-slate-900 px-3 py-2 text-slate-100 focus-visible:outline-2 focus-visible:outline-sky-400";
  return (
    <div className="space-y-4">
      {/* POST and disabled until hydrated: a form the browser sends by itself (before React
          handles it) would otherwise put the password in the URL, and so in history and logs. */}
      <form
        method="post"
        onSubmit={onSubmit}
        className="space-y-3"
        aria-describedby={error ? "login-error" : undefined}
      >
        <label className="block text-sm text-slate-300">
          Username
          <input name="username" autoComplete="username" required className={field} />
        </label>
        <label className="block text-sm text-slate-300">
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            className={field}
          />
        </label>
        {error ? (
          <p id="login-error" role="alert" className="text-sm text-rose-300">
            {error}
          </p>
        ) : null}
        <button
          type="submit"
          disabled={busy || !hydrated}
          className="w-full rounded bg-sky-600 px-3 py-2 font-semibold text-white hover:bg-sky-500 disabled:opacity-60"
        >
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {sso ? (
        <button
          type="button"
          disabled={!hydrated}
          onClick={() => void signIn("oidc", { callbackUrl: callbackPath })}
          className="w-full rounded border border-slate-600 px-3 py-2 text-slate-100 hover:bg-slate-800"
        >
          Sign in with {sso}
        </button>
      ) : null}
    </div>
  );
}
