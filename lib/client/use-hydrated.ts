"use client";

import { useSyncExternalStore } from "react";

const subscribeNothing = () => () => undefined;

/**
 * False in the server's HTML and during hydration, true once React handles events. A control that
 * is clicked before then does nothing (its handler is not attached yet), and a form submitted then
 * is sent by the browser itself, as a GET with its fields in the URL. So controls rendered on the
 * server are disabled until this is true: a click waits instead of being lost without a word.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribeNothing,
    () => true,
    () => false,
  );
}
