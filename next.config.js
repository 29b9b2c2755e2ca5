// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The build type-checks the app only; `npm run typecheck` (tsc over tsconfig.json) covers tests
  // and scripts too, and runs first in the test suite.
  typescript: { tsconfigPath: "tsconfig.app.json" },
  // pino and its worker-thread transports must be loaded by Node, not bundled.
  serverExternalPackages: ["pino", "better-sqlite3", "pg", "@node-rs/argon2", "ws", "undici"],
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ];
  },
};

export default nextConfig;
