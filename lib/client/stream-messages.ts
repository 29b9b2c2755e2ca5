// Shape checks for the messages of GET /api/stream. The stream crosses a network and possibly a
// proxy; a message of the wrong shape is dropped (and the next snapshot repairs the desk) rather
// than written into the cache where it would crash the table.
import type { AccountUpdate, DeskSnapshot, MmpRow } from "@/lib/model/types";
import { MMP_STATUSES, type MmpStatus } from "@/lib/model/types";

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null;
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === "string";
const isStatus = (v: unknown): v is MmpStatus => MMP_STATUSES.some((s) => s === v);

// Only what the desk's logic depends on is checked; display fields are rendered as text anyway.
function isRow(v: unknown): v is MmpRow {
  return (
    isObj(v) &&
    isStr(v.id) &&
    isStr(v.accountId) &&
    isStr(v.scope) &&
    isStatus(v.status) &&
    (v.fetchedAt === null || isNum(v.fetchedAt))
  );
}

const isRows = (v: unknown): v is MmpRow[] => Array.isArray(v) && v.every(isRow);

function parse(data: unknown): unknown {
  if (!isStr(data)) return undefined;
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

export function parseSnapshot(data: unknown): DeskSnapshot | null {
  const v = parse(data);
  return isObj(v) && isNum(v.serverTime) && isRows(v.rows) ? (v as unknown as DeskSnapshot) : null;
}

export function parseAccountUpdate(data: unknown): AccountUpdate | null {
  const v = parse(data);
  return isObj(v) && isStr(v.accountId) && isNum(v.serverTime) && isRows(v.rows)
    ? (v as unknown as AccountUpdate)
    : null;
}
