import Link from "next/link";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { SignOutEverywhere } from "@/components/auth/sign-out-everywhere";
import type { CurrentUser } from "@/lib/model/roles";
import { can } from "@/lib/model/roles";

// Navigation only shows what the role may open; the pages and handlers check again themselves.
export function AppHeader({ user, title }: { user: CurrentUser; title: string }) {
  const link = "rounded px-2 py-1 text-sm text-slate-300 hover:bg-slate-800 hover:text-white";
  return (
    <header className="mb-3 flex flex-wrap items-center justify-between gap-3">
      <div className="flex items-center gap-4">
        <h1 className="text-xl font-semibold tracking-tight">{title}</h1>
        <nav aria-label="Main" className="flex gap-1">
          <Link href="/" className={link}>
            Desk
          </Link>
          <Link href="/screen" className={link}>
            Wall screen
          </Link>
          {can(user.role, "mmp.limits.request") || can(user.role, "mmp.limits.approve") ? (
            <Link href="/approvals" className={link}>
              Approvals
            </Link>
          ) : null}
          {can(user.role, "audit.read") ? (
            <Link href="/audit" className={link}>
              Audit
            </Link>
          ) : null}
        </nav>
      </div>
      <div className="flex items-center gap-3">
        <p className="text-sm text-slate-400">
          Signed in as <span className="font-medium text-slate-200">{user.username}</span> (
          {user.role})
        </p>
        {can(user.role, "sessions.revoke") ? <SignOutEverywhere /> : null}
        <SignOutButton />
      </div>
    </header>
  );
}
