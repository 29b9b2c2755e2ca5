import { AppHeader } from "@/components/app-header";
import { Approvals } from "@/components/limits/approvals";
import { pageUser } from "@/lib/auth/page-guard";
import { can } from "@/lib/model/roles";

export const dynamic = "force-dynamic";

// MMP limit changes under four eyes (issue 15): whoever may request or approve them sees the
// list; only approvers get the buttons, and the API checks both again.
export default async function ApprovalsPage() {
  const user = await pageUser("/approvals", ["mmp.limits.request", "mmp.limits.approve"]);
  return (
    <main className="mx-auto max-w-[1600px] px-4 py-4">
      <AppHeader user={user} title="Limit changes" />
      <Approvals username={user.username} canApprove={can(user.role, "mmp.limits.approve")} />
    </main>
  );
}
