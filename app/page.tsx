import { AppHeader } from "@/components/app-header";
import { Desk } from "@/components/desk/desk";
import { pageUser } from "@/lib/auth/page-guard";
import { can } from "@/lib/model/roles";
import { getDeskSnapshot } from "@/lib/desk/snapshot";
import { firstPaint } from "@/lib/model/first-paint";

export const dynamic = "force-dynamic";

export default async function DeskPage() {
  const user = await pageUser("/", "mmp.view");
  const snapshot = await getDeskSnapshot();
  return (
    <main className="mx-auto max-w-[1600px] px-4 py-4">
      <AppHeader user={user} title="MMP risk desk" />
      <Desk initialSnapshot={firstPaint(snapshot)} canReset={can(user.role, "mmp.reset")} />
    </main>
  );
}
