"use client";

import { signOut } from "next-auth/react";
import { useHydrated } from "@/lib/client/use-hydrated";

export function SignOutButton() {
  const hydrated = useHydrated();
  return (
    <button
      type="button"
      onClick={() => void signOut({ callbackUrl: "/login" })}
      disabled={!hydrated}
      className="rounded border border-slate-700 px-2 py-1 text-sm text-slate-200 hover:bg-slate-800 disabled:opacity-60 focus-visible:outline-2 focus-visible:outline-sky-400"
    >
      Sign out
    </button>
  );
}
