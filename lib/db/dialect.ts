export type Dialect = "sqlite" | "postgres";

/** PostgreSQL when DATABASE_URL says so, the embedded SQLite file otherwise. */
export function dialectFor(databaseUrl: string | undefined): Dialect {
  return databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl) ? "postgres" : "sqlite";
}
