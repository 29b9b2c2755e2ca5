import { redirect } from "next/navigation";
import { AppHeader } from "@/components/app-header";
import { Desk } from "@/components/desk/desk";
import { pageUser } from "@/lib/auth/page-guard";
import { can } from "@/lib/model/roles";
import { getDeskSnapshot } from "@/lib/desk/snapshot";
import { firstPaint } from "@/lib/model/first-paint";

export const dynamic = "force-dynamic";

export default async function DeskPage() {
  const user = await pageUser("/", "mmp.view");
  // A screen account exists to drive a wall display: its home is the wall (issue 13).
  if (user.role === "screen") redirect("/screen");
  const snapshot = await getDeskSnapshot();
  return (
    <main className="mx-auto max-w-[1600px] px-4 py-4">
      {/* First in the tab order: past the header, banners and filters straight to the rows. */}
      <a
        href="#desk-table"
        className="sr-only rounded bg-sky-700 px-3 py-1.5 text-sm font-semibold text-white focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50"
      >
        Skip to the desk table
      </a>
      <AppHeader user={user} title="MMP risk desk" />
      <Desk
        initialSnapshot={firstPaint(snapshot)}
        canReset={can(user.role, "mmp.reset")}
        canEditLimits={can(user.role, "mmp.limits.request")}
      />
    </main>
  );
}
