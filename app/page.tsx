import { Desk } from "@/components/desk/desk";
import { getCurrentUser } from "@/lib/auth/current-user";
import { can } from "@/lib/auth/permissions";
import { getDeskSnapshot } from "@/lib/mmp/desk-service";

export const dynamic = "force-dynamic";

export default async function DeskPage() {
  const user = await getCurrentUser();
  const snapshot = await getDeskSnapshot();
  return (
    <main className="mx-auto max-w-[1600px] px-4 py-4">
      <header className="mb-3 flex items-baseline justify-between gap-4">
        <h1 className="text-xl font-semibold tracking-tight">MMP risk desk</h1>
        {user ? (
          <p className="text-sm text-slate-400">
            {user.username} · {user.role}
          </p>
        ) : null}
      </header>
      <Desk initialSnapshot={snapshot} canReset={user ? can(user.role, "mmp.reset") : false} />
    </main>
  );
}
