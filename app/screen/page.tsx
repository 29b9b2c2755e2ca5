import type { Metadata } from "next";
import { Screen } from "@/components/screen/screen";
import { pageUser } from "@/lib/auth/page-guard";
import { getDeskSnapshot } from "@/lib/desk/snapshot";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "MMP wall screen" };

// GET /screen – the wall display; read-only for every role, so only "mmp.view" is checked.
export default async function ScreenPage() {
  const user = await pageUser("/screen", "mmp.view");
  const snapshot = await getDeskSnapshot();
  return <Screen initialSnapshot={snapshot} user={{ username: user.username, role: user.role }} />;
}
