// The page's freeze alerts: the latest few, newest first, until dismissed or until the freeze is
// seen to end (then it moves to a short "recent" list: an alert must not outlive its freeze on a
// wall nobody clicks, issue 13). An external store (not
// React state) so the stream handlers can push from outside render, and so the sound and
// notification side effects hear each alert exactly once, when it is pushed.
import { formatUtcTime } from "@/lib/model/format";
import type { FreezeEvent } from "@/lib/client/freeze-tracker";

export const MAX_ALERTS = 5;

export interface FreezeAlert extends FreezeEvent {
  /** Unique per page, increasing: React key and dismiss handle. */
  id: number;
  /** The alert as one sentence; the same words go to the screen, screen readers and notifications. */
  text: string;
}

export interface EndedAlert extends FreezeAlert {
  /** Server time at which the freeze was seen to end. */
  endedAt: number;
}

export interface AlertStore {
  subscribe(listener: () => void): () => void;
  getSnapshot(): readonly FreezeAlert[];
  push(event: FreezeEvent): FreezeAlert;
  dismiss(id: number): void;
  dismissAll(): void;
  /** The row's freeze ended: its alerts leave the alert area for the recent list. */
  resolve(rowId: string, endedAt: number): void;
  /** Alerts whose freeze ended, newest first (at most MAX_ALERTS); same subscription. */
  getRecent(): readonly EndedAlert[];
  /** Called once per new alert (sound, notification). */
  onAlert(listener: (alert: FreezeAlert) => void): () => void;
}

function freezeText(e: FreezeEvent): string {
  return `FROZEN: ${e.scope} on ${e.accountLabel} at ${formatUtcTime(e.at, e.at)} UTC`;
}

const EMPTY: readonly FreezeAlert[] = [];
const NONE_ENDED: readonly EndedAlert[] = [];

export function createAlertStore(): AlertStore {
  let alerts = EMPTY;
  let recent = NONE_ENDED;
  let nextId = 1;
  const listeners = new Set<() => void>();
  const alertListeners = new Set<(alert: FreezeAlert) => void>();
  const set = (next: readonly FreezeAlert[]) => {
    alerts = next;
    for (const l of listeners) l();
  };
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => alerts,
    push(event) {
      const alert = { ...event, id: nextId++, text: freezeText(event) };
      set([alert, ...alerts].slice(0, MAX_ALERTS));
      for (const l of alertListeners) l(alert);
      return alert;
    },
    dismiss(id) {
      if (alerts.some((a) => a.id === id)) set(alerts.filter((a) => a.id !== id));
    },
    dismissAll() {
      if (alerts.length > 0) set(EMPTY);
    },
    resolve(rowId, endedAt) {
      const ending = alerts.filter((a) => a.rowId === rowId);
      if (ending.length === 0) return;
      recent = [...ending.map((a) => ({ ...a, endedAt })), ...recent].slice(0, MAX_ALERTS);
      set(alerts.filter((a) => a.rowId !== rowId));
    },
    getRecent: () => recent,
    onAlert(listener) {
      alertListeners.add(listener);
      return () => alertListeners.delete(listener);
    },
  };
}
