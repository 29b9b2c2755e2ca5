// Applies the database migrations (the app also does this at start).
//   npm run migrate              (DATABASE_URL=postgres://… or MMP_SQLITE_PATH, default ./data/mmp.sqlite)
import { openDb } from "@/lib/db/client";
import { migrateToLatest } from "@/lib/db/migrate";

const { db, dialect } = openDb();
try {
  const applied = await migrateToLatest(db, dialect);
  console.log(
    applied.length
      ? `applied on ${dialect}: ${applied.join(", ")}`
      : `${dialect}: already up to date`,
  );
} finally {
  await db.destroy();
}
