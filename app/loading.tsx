export default function Loading() {
  return (
    <main className="mx-auto max-w-[1600px] px-4 py-4" aria-busy="true">
      <p className="text-slate-400">Reading MMP state from the venues…</p>
    </main>
  );
}
