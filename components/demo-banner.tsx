// Shown on every page in demo mode so nobody mistakes simulator data for a real desk.
export function DemoBanner() {
  return (
    <div
      role="note"
      className="bg-amber-400 px-4 py-1.5 text-center text-sm font-semibold text-slate-950"
    >
      DEMO MODE — data comes from the built-in exchange simulator with fictional accounts. No real
      venue is contacted.
    </div>
  );
}
