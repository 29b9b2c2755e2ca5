import { generateKeyPairSync, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import Provider, { type InteractionDetails } from "oidc-provider";

// A real OpenID Connect provider (oidc-provider, the certified implementation) running in the test
// process on 127.0.0.1, so single sign-on is tested against the protocol itself: discovery, the
// authorisation code flow with PKCE and state, client authentication at the token endpoint and a
// signed ID token, exactly as the app meets Keycloak, Entra ID or Okta. Only the sign-in page is
// ours: a plain form that checks a password and then grants the client what it asked for (a
// first-party app needs no consent screen). The issuer is plain http: the app's OIDC client
// (openid-client 5, inside next-auth 4) accepts any http(s) issuer; only webfinger needs https.

export interface IdpUser {
  username: string;
  password: string;
  /** The `groups` claim: what the app maps to a role through MMP_OIDC_ROLE_MAP. */
  groups: string[];
}

export interface TestIdp {
  issuer: string;
  close: () => Promise<void>;
}

export interface IdpOptions {
  port: number;
  /** The app's callback, the only redirect URI the client may use. */
  redirectUri: string;
  /** The app's client credentials (the app is started first, so they are chosen by the test). */
  clientId: string;
  clientSecret: string;
  users: IdpUser[];
}

export async function startTestIdp(options: IdpOptions): Promise<TestIdp> {
  const { port, redirectUri, clientId, clientSecret, users } = options;
  const issuer = `http://127.0.0.1:${port}`;
  const signingKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
    format: "jwk",
  });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    jwks: { keys: [{ ...signingKey, kid: "test-signing-key", use: "sig", alg: "RS256" }] },
    cookies: { keys: [`test-only-${randomUUID()}`] },
    // Groups travel with the profile scope and go into the ID token itself (the app reads its
    // claims from the ID token), as an IdP's "groups" mapper does.
    claims: { openid: ["sub"], profile: ["preferred_username", "name", "groups"], email: [] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    // Short lifetimes, set explicitly (the defaults print a notice asking for exactly that).
    ttl: {
      Interaction: 600,
      Session: 600,
      Grant: 600,
      AuthorizationCode: 60,
      AccessToken: 600,
      IdToken: 600,
    },
    findAccount: (_ctx, id) => {
      const user = users.find((u) => u.username === id);
      if (!user) return Promise.resolve(undefined);
      return Promise.resolve({
        accountId: id,
        claims: () => ({ sub: id, preferred_username: id, name: id, groups: user.groups }),
      });
    },
  });
  // An error inside the provider is a broken test setup: say so instead of a bare 500 page.
  provider.on("server_error", (_ctx, err) => console.error("test IdP server_error", err));

  const interactions = interactionHandler(provider, users);
  const providerCallback = provider.callback();
  const server = createServer((req, res) => {
    if (req.url?.startsWith("/interaction/")) {
      interactions(req, res).catch((err: unknown) => {
        console.error("test IdP interaction failed", err);
        if (!res.headersSent) res.writeHead(500).end(String(err));
      });
    } else providerCallback(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { issuer, close };
}

/** The IdP's own sign-in page (GET shows it, POST checks the password and finishes). */
function interactionHandler(provider: Provider, users: IdpUser[]) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const details = await provider.interactionDetails(req, res);
    if (req.method !== "POST") return page(res, details, null);
    const form = new URLSearchParams(await readBody(req));
    const user = users.find((u) => u.username === form.get("username"));
    if (!user || user.password !== form.get("password"))
      return page(res, details, "Wrong username or password.");
    const grant = new provider.Grant({ accountId: user.username, clientId: clientIdOf(details) });
    grant.addOIDCScope(typeof details.params.scope === "string" ? details.params.scope : "openid");
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.username }, consent: { grantId: await grant.save() } },
      { mergeWithLastSubmission: false },
    );
  };
}

function clientIdOf(details: InteractionDetails): string {
  const id = details.params.client_id;
  if (typeof id !== "string") throw new Error("interaction without a client_id");
  return id;
}

function page(res: ServerResponse, details: InteractionDetails, error: string | null): void {
  const alert = error ? `<p role="alert">${error}</p>` : "";
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  res.end(`<!doctype html><html><head><title>Test IdP</title></head><body>
<h1>Test IdP sign-in</h1>${alert}
<form method="post" action="/interaction/${encodeURIComponent(details.uid)}">
<label>IdP username <input name="username" autocomplete="off"></label>
<label>IdP password <input name="password" type="password"></label>
<button type="submit">Continue</button>
</form></body></html>`);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
