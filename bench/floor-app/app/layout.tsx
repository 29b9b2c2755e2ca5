import type { ReactNode } from "react";

// The framework's floor (bench/floor.ts): the smallest App Router app this Next.js version
// builds, measured in the same run as the desk.
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
