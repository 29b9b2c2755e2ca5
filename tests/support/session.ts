import { passwordOf } from "./fixtures";

// Next-auth's real flows over HTTP, as a browser runs them: CSRF token, then the form POST.

/** Keeps cookies across requests like a browser does. */
function cookieJar(initial = "") {
  const jar = new Map<string, string>();
  const put = (pair: string) => {
    const [name, ...value] = pair.split("=");
    if (name?.trim()) jar.set(name.trim(), value.join("="));
  };
  for (const pair of initial.split(";")) put(pair.trim());
  return {
    keep(res: Response) {
      for (const c of res.headers.getSetCookie()) put(c.split(";")[0] ?? "");
    },
    has: (part: string) => [...jar.keys()].some((k) => k.includes(part)),
    header: () => [...jar].map(([k, v]) => `${k}=${v}`).join("; "),
  };
}

async function csrf(appUrl: string, jar: ReturnType<typeof cookieJar>): Promise<string> {
  const res = await fetch(`${appUrl}/api/auth/csrf`, { headers: { cookie: jar.header() } });
  jar.keep(res);
  return ((await res.json()) as { csrfToken: string }).csrfToken;
}

export interface SignInAnswer {
  status: number;
  /** The JSON body (next-auth's `{url}` or our error shape). */
  body: unknown;
  retryAfter: string | null;
  signedIn: boolean;
  /** The Cookie header a browser would send afterwards. */
  cookie: string;
}

/** One password sign-in attempt through next-auth's credentials flow, whatever its outcome. */
export async function tryPassword(
  appUrl: string,
  username: string,
  password: string,
): Promise<SignInAnswer> {
  const jar = cookieJar();
  const csrfToken = await csrf(appUrl, jar);
  const res = await fetch(`${appUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.header() },
    body: new URLSearchParams({ csrfToken, username, password, json: "true" }),
  });
  jar.keep(res);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return {
    status: res.status,
    body,
    retryAfter: res.headers.get("retry-after"),
    signedIn: jar.has("session-token"),
    cookie: jar.header(),
  };
}

/** Signs in and returns the Cookie header a browser would send afterwards. */
export async function signIn(
  appUrl: string,
  username: string,
  password = passwordOf(username),
): Promise<string> {
  const answer = await tryPassword(appUrl, username, password);
  if (!answer.signedIn) throw new Error(`sign-in as ${username} failed (HTTP ${answer.status})`);
  return answer.cookie;
}

/** Signs out the session of this Cookie header, as the Sign out button does. */
export async function signOut(appUrl: string, cookie: string): Promise<void> {
  const jar = cookieJar(cookie);
  const csrfToken = await csrf(appUrl, jar);
  const res = await fetch(`${appUrl}/api/auth/signout`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.header() },
    body: new URLSearchParams({ csrfToken, json: "true" }),
  });
  if (res.status >= 400) throw new Error(`sign-out failed (HTTP ${res.status})`);
}
