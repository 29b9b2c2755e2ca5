"use client";

import { useQuery } from "@tanstack/react-query";
import { limitChangesQueryOptions } from "@/lib/client/limits-queries";
import { ApprovalRow } from "@/components/limits/approval-row";

const COLUMNS = [
  "Account / scope",
  "Venue",
  "Requested by",
  "Expires (UTC)",
  "Change (before → after)",
  "Effects",
  "Status",
];

// The limit changes, pending first, refreshed every few seconds: another person's request or
// decision shows without a reload.
export function Approvals({ username, canApprove }: { username: string; canApprove: boolean }) {
  const { data, error, isPending, dataUpdatedAt } = useQuery(limitChangesQueryOptions());
  if (isPending) return <p className="text-sm text-slate-300">Loading limit changes…</p>;
  if (!data) {
    return (
      <p role="alert" className="text-sm text-amber-200">
        Limit changes unavailable: {error?.message ?? "no answer"}
      </p>
    );
  }
  const waiting = data.changes.filter((c) => c.status === "pending").length;
  const cell = "px-2 py-2 text-left font-semibold";
  const columns = canApprove ? [...COLUMNS, "Action"] : COLUMNS;
  return (
    <section aria-label="Limit changes" className="flex flex-col gap-2">
      {error ? (
        <p role="alert" className="text-sm text-amber-200">
          Could not refresh the list ({error.message}): it shows the state at{" "}
          {new Date(dataUpdatedAt).toISOString().slice(11, 19)} UTC.
        </p>
      ) : null}
      <p role="status" className="text-sm text-slate-300">
        {waiting} waiting for approval · {data.changes.length} shown, pending first.
        {canApprove
          ? " Approving sends the change to the venue once, then reads it back."
          : " An admin other than the requester approves."}
      </p>
      <div className="overflow-auto rounded-md border border-slate-800">
        <table className="w-full border-collapse text-sm tabular-nums">
          <caption className="sr-only">MMP limit changes, pending first, newest first</caption>
          <thead className="bg-slate-900 text-xs text-slate-300">
            <tr>
              {columns.map((c) => (
                <th key={c} scope="col" className={cell}>
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-800">
            {data.changes.length === 0 ? (
              <tr>
                <td colSpan={columns.length} className="px-3 py-6 text-center text-slate-400">
                  No limit changes yet: request one with &ldquo;Edit limits&rdquo; on the desk.
                </td>
              </tr>
            ) : (
              data.changes.map((c) => (
                <ApprovalRow
                  key={c.id}
                  change={c}
                  username={username}
                  canApprove={canApprove}
                  serverTime={data.serverTime}
                />
              ))
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
