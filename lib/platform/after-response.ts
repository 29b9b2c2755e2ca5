import { after } from "next/server";

// Work a handler starts for after its answer (a reset's re-read of the venue, its trigger-history
// note) competes with writing that answer for the one event loop: started before Next has written
// the response, a venue request's signing and sending, and the database commits, go ahead of it,
// and the client waits for them. Next's after() runs a callback once the response has gone out.

/** How long to wait for Next to say the response went out: the work must not wait forever on a
 * callback that never comes (a response Next abandoned), and shutdown waits for that work. */
const LONGEST_WAIT_MS = 1000;

/** Resolves once the current request's response has been sent (Next's after()), on the next turn
 * of the event loop outside a request (a route called in-process by a test), and at the latest
 * after LONGEST_WAIT_MS. */
export function responseSent(): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, LONGEST_WAIT_MS);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    try {
      after(done);
    } catch {
      // Outside a request scope Next throws: nothing is being written, go on at once.
      setImmediate(done);
    }
  });
}
