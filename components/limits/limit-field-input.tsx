"use client";

import { useId } from "react";
import { rangeHint, type FormField } from "@/lib/client/limit-form";

// One limit: the desk's label (its accessible name), the venue's own field name and unit beside
// it, the accepted range in the unit typed, and the field's error as soon as the value is wrong.
export function LimitFieldInput({
  field,
  value,
  error,
  onChange,
}: {
  field: FormField;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
}) {
  const id = useId();
  const { spec, inputUnit } = field;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div className="flex flex-col gap-1">
      <div className="flex flex-wrap items-baseline gap-x-2">
        <label htmlFor={id} className="text-sm font-medium text-slate-100">
          {spec.label}
        </label>
        <span className="font-mono text-xs text-slate-400">
          {spec.venueField} · {spec.unit}
          {spec.required ? "" : " · optional"}
        </span>
      </div>
      <div className="flex items-center gap-2">
        <input
          id={id}
          type="text"
          inputMode={spec.kind === "decimal" ? "decimal" : "numeric"}
          autoComplete="off"
          spellCheck={false}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          required={spec.required}
          aria-invalid={error !== undefined}
          aria-describedby={error ? `${errorId} ${hintId}` : hintId}
          className={`w-40 rounded border bg-slate-950 px-2 py-1 text-sm tabular-nums text-slate-100 focus-visible:outline-2 focus-visible:outline-sky-400 ${
            error ? "border-rose-400" : "border-slate-600"
          }`}
        />
        <span className="text-xs text-slate-300">{inputUnit ?? spec.unit}</span>
      </div>
      <p id={hintId} className="text-xs text-slate-400">
        {rangeHint(field)}
        {spec.note ? ` · ${spec.note}` : ""}
      </p>
      {error ? (
        <p id={errorId} className="text-xs font-medium text-rose-300">
          <span aria-hidden="true">✕ </span>
          {error}
        </p>
      ) : null}
    </div>
  );
}
