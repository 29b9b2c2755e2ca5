"use client";

import { useSyncExternalStore } from "react";

// The browser's notification permission as a tiny store: the Notification API has no change
// event here, so the one place that can change it (the request below) tells the subscribers.
export type NotificationState = NotificationPermission | "unsupported";

const listeners = new Set<() => void>();

function read(): NotificationState {
  return typeof window !== "undefined" && "Notification" in window
    ? Notification.permission
    : "unsupported";
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** null until hydrated (the server cannot know the browser's permission). */
export function useNotificationPermission(): NotificationState | null {
  return useSyncExternalStore<NotificationState | null>(subscribe, read, () => null);
}

/** Must be called from a click: browsers ignore permission requests made without a gesture. */
export async function requestNotificationPermission(): Promise<void> {
  if (read() === "unsupported") return;
  await Notification.requestPermission();
  for (const l of listeners) l();
}

/** A system notification per alert; failures (e.g. mobile Chrome wants a service worker) are
 * silent because the visual and text alert on the page already happened. */
export function notify(title: string, body: string, tag: string): void {
  if (read() !== "granted") return;
  try {
    new Notification(title, { body, tag });
  } catch {
    // See above: the page's own alert is the one that must not fail.
  }
}
