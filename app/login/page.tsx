import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/login-form";
import { oidcSettings, signInErrorMessage } from "@/lib/auth/oidc";
import { getCurrentUser } from "@/lib/auth/current-user";
import { safeCallbackPath } from "@/lib/auth/safe-redirect";

export const dynamic = "force-dynamic";

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackPath = safeCallbackPath(
    typeof params.callbackUrl === "string" ? params.callbackUrl : null,
  );
  if (await getCurrentUser()) redirect(callbackPath);
  return (
    <main className="mx-auto mt-24 max-w-sm rounded-lg border border-slate-800 bg-slate-900/60 p-6">
      <h1 className="mb-4 text-xl font-semibold">Sign in to the MMP risk desk</h1>
      <LoginForm
        callbackPath={callbackPath}
        sso={oidcSettings()?.name ?? null}
        initialError={signInErrorMessage(typeof params.error === "string" ? params.error : null)}
      />
    </main>
  );
}
