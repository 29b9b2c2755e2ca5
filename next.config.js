// @ts-check

// Browser features no page of the desk uses are off for it and for anything it might embed. The
// wall (/screen) keeps the display awake with the Screen Wake Lock API, so that one stays on for
// this origin. Only features Chromium knows are listed: an unknown one is a console error.
const PERMISSIONS_POLICY = [
  "accelerometer=()",
  "camera=()",
  "display-capture=()",
  "geolocation=()",
  "gyroscope=()",
  "hid=()",
  "magnetometer=()",
  "microphone=()",
  "midi=()",
  "payment=()",
  "publickey-credentials-get=()",
  "screen-wake-lock=(self)",
  "serial=()",
  "usb=()",
].join(", ");

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The build type-checks the app only; `npm run typecheck` (tsc over tsconfig.json) covers tests
  // and scripts too, and runs first in the test suite.
  typescript: { tsconfigPath: "tsconfig.app.json" },
  // pino and its worker-thread transports must be loaded by Node, not bundled.
  serverExternalPackages: ["pino", "better-sqlite3", "pg", "@node-rs/argon2", "ws", "undici"],
  // Fixed headers for every response. The ones that depend on the request or the deployment
  // (the pages' Content-Security-Policy with its nonce, HSTS) are set by proxy.ts at run time.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Permissions-Policy", value: PERMISSIONS_POLICY },
        ],
      },
      {
        // JSON, CSV and event streams: nothing in them may load or run anything. Set here, not by
        // proxy.ts, which must stay off these routes (see there).
        source: "/api/:path*",
        headers: [
          { key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" },
        ],
      },
    ];
  },
};

export default nextConfig;
