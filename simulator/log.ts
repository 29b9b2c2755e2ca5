import type { Venue } from "@/lib/model/types";
import type { SimLogEntry } from "@/simulator/types";

// Every venue request is recorded, including those a fault answered or auth rejected, so tests
// can assert exactly what the app sent (and how often) without instrumenting the app itself.
// Secrets never reach the log: venue requests carry only the key and a signature.

export interface LogFilter {
  venue?: Venue;
  path?: string;
  method?: string;
}

/** Keeps memory bounded when the standalone simulator runs for days in demo mode. */
const MAX_ENTRIES = 5000;

export class RequestLog {
  private entries: SimLogEntry[] = [];
  // seq keeps counting across clears so a test can tell old entries from new ones.
  private seq = 0;

  add(e: Omit<SimLogEntry, "seq" | "status" | "venueCode" | "fault">): SimLogEntry {
    const entry: SimLogEntry = {
      ...e,
      seq: ++this.seq,
      status: null,
      venueCode: null,
      fault: null,
    };
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES)
      this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    return entry;
  }

  list(f: LogFilter = {}): SimLogEntry[] {
    return this.entries.filter(
      (e) =>
        (f.venue === undefined || e.venue === f.venue) &&
        (f.path === undefined || e.path === f.path) &&
        (f.method === undefined || e.method === f.method.toUpperCase()),
    );
  }

  clear(): void {
    this.entries = [];
  }
}
