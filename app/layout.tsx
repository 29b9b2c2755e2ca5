import type { Metadata } from "next";
import type { ReactNode } from "react";
import { connection } from "next/server";
import { Providers } from "@/components/providers";
import { DemoBanner } from "@/components/demo-banner";
import { getConfig } from "@/lib/config/runtime";
import "./globals.css";

export const metadata: Metadata = {
  title: "MMP risk desk",
  description: "Market Maker Protection state, alerts and audited resets",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Rendered per request: the demo flag comes from the runtime config, never from build time.
  await connection();
  const config = await getConfig();
  return (
    <html lang="en" className="dark">
      <body className="min-h-screen bg-slate-950 text-slate-100 antialiased">
        {config.demo ? <DemoBanner /> : null}
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
