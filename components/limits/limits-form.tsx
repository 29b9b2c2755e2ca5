"use client";

import { useId, useMemo, useState, type FormEvent } from "react";
import Link from "next/link";
import type { MmpRow } from "@/lib/model/types";
import type { LimitField, MmpLimits } from "@/lib/model/limits";
import { diffLimits } from "@/lib/model/limits";
import { VENUE_LIMITS, limitEffects } from "@/lib/model/venue-limits";
import { VENUE_LABELS } from "@/lib/model/venues";
import {
  NOT_ON_ROW,
  formFields,
  inputsFrom,
  parseInputs,
  rowLimits,
} from "@/lib/client/limit-form";
import { formatIsoUtc } from "@/lib/client/limit-format";
import { RequestError } from "@/lib/client/queries";
import { useLimitRequest } from "@/lib/client/use-limit-request";
import { LimitFieldInput } from "@/components/limits/limit-field-input";
import { EffectNotes, LimitDiff } from "@/components/limits/limit-diff";

// The first pair of eyes: the new values, checked as they are typed, the change they make and
// what else the venue does, then "Request change". Nothing reaches the venue from here: the
// request waits for another person's approval.
export function LimitsForm({
  row,
  venueLimits = null,
}: {
  row: MmpRow;
  /** The venue's values read when the dialog opened; null: the desk's row is all we have. */
  venueLimits?: MmpLimits | null;
}) {
  const { venue } = row;
  const fields = useMemo(() => formFields(venue), [venue]);
  // The venue's values as the dialog opened (else the row's): the server compares with the venue
  // itself anyway when the change is requested.
  const [before] = useState(() => venueLimits ?? rowLimits(row));
  const [inputs, setInputs] = useState(() => inputsFrom(venue, before));
  const [confirmOff, setConfirmOff] = useState(false);
  const request = useLimitRequest();
  const changeId = useId();

  const { limits: after, errors } = useMemo(() => parseInputs(venue, inputs), [venue, inputs]);
  const changes = after ? diffLimits(VENUE_LIMITS[venue], before, after) : [];
  const effects = after ? limitEffects(venue, before, after) : null;
  const switchesOff = effects?.switchesOff ?? false;
  const sent = request.result !== null;
  const ready = after !== null && changes.length > 0 && (!switchesOff || confirmOff);

  const edit = (field: LimitField, value: string) => {
    setInputs((prev) => ({ ...prev, [field]: value }));
    // An answer about other values would mislead next to the new ones.
    if (request.error) request.clear();
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!after || !ready || sent || request.pending) return;
    request.submit({
      accountId: row.accountId,
      scope: row.scope,
      after,
      confirmSwitchOff: switchesOff && confirmOff,
    });
  };

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
      <p className="text-xs text-slate-400">
        {VENUE_LABELS[venue]} · prefilled with{" "}
        {venueLimits ? "the venue's values, read just now" : "the desk's last read"}. The server
        reads the venue again when you request, and the approver sees the change against that.
      </p>
      <fieldset disabled={sent || request.pending} className="grid gap-4 sm:grid-cols-2">
        <legend className="sr-only">New limits</legend>
        {fields.map((f) => (
          <LimitFieldInput
            key={f.field}
            field={f}
            value={inputs[f.field] ?? ""}
            error={errors[f.field]}
            onChange={(v) => edit(f.field, v)}
          />
        ))}
      </fieldset>
      <section aria-labelledby={changeId} className="flex flex-col gap-1">
        <h3 id={changeId} className="text-sm font-semibold text-slate-200">
          Change ({venueLimits ? "venue" : "desk"} → new)
        </h3>
        {after ? (
          <LimitDiff changes={changes} unknownBefore={venueLimits ? [] : NOT_ON_ROW} />
        ) : (
          <p className="text-sm text-slate-400">Correct the fields marked above to see it.</p>
        )}
        {effects ? <EffectNotes notes={effects.notes} switchesOff={switchesOff} /> : null}
      </section>
      {switchesOff ? (
        <label className="flex items-center gap-2 text-sm font-semibold text-rose-200">
          <input
            type="checkbox"
            required
            checked={confirmOff}
            disabled={sent || request.pending}
            onChange={(e) => setConfirmOff(e.target.checked)}
            className="size-4 accent-rose-500"
          />
          Switch MMP off
        </label>
      ) : null}
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="submit"
          disabled={!ready || sent || request.pending}
          aria-busy={request.pending}
          className="rounded bg-sky-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-sky-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-300 disabled:cursor-not-allowed disabled:bg-slate-700 disabled:text-slate-300"
        >
          Request change
        </button>
        {request.pending ? <span className="text-sm text-slate-300">Requesting…</span> : null}
      </div>
      <div role="status" aria-live="polite" className="text-sm">
        {request.result ? (
          <p className="text-emerald-200">
            <span aria-hidden="true">✓ </span>
            Requested. The change is waiting for another person&apos;s approval (until{" "}
            {formatIsoUtc(request.result.expiresAt)}); nothing was sent to the venue yet. Follow it
            on the{" "}
            <Link href="/approvals" className="text-sky-300 underline hover:text-sky-200">
              Approvals page
            </Link>
            .
          </p>
        ) : null}
      </div>
      {request.error ? (
        <p role="alert" className="text-sm text-rose-200">
          {describeError(request.error)}
        </p>
      ) : null}
    </form>
  );
}

function describeError(error: Error): string {
  if (error instanceof RequestError && error.status !== 0) return `Not requested: ${error.message}`;
  return `No answer from the server (${error.message}): the request may have been recorded. Check the Approvals page before asking again.`;
}
