"use client";

import { useState, type ReactNode } from "react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { SessionProvider } from "next-auth/react";

// One QueryClient per browser session (useState keeps it across re-renders and navigations);
// on the server each request renders its own, so no user's data leaks into another's page.
// SessionProvider re-reads the session every minute, which also renews the idle-timeout cookie
// while a page is open.
export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          // Mutations here have effects at an exchange: they are never retried behind the
          // user's back (TanStack's default, stated so nobody "fixes" it).
          mutations: { retry: 0 },
        },
      }),
  );
  return (
    <SessionProvider refetchInterval={60} refetchOnWindowFocus={false}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </SessionProvider>
  );
}
