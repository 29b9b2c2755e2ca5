"use client";

import { createContext } from "react";

// A row whose venue read is older than this is flagged: the server polls every account far more
// often, so an old read means that account's polling is failing even if the desk itself is fresh.
// Only the default: the desk provides the server's own limit (DeskSnapshot.staleAfterMs), the
// same one that turns the row's status UNKNOWN (lib/client/use-stale-rows.ts).
export const ROW_STALE_AFTER_MS = 30_000;

export const StaleAfterContext = createContext(ROW_STALE_AFTER_MS);
