// A short two-tone beep made with WebAudio: no audio file to fetch, cache or fail to load. The
// AudioContext must be created (or resumed) inside a user gesture, which is why sound is armed by
// one click; after that, beeps from stream events are allowed.

export function createAlertAudio(): AudioContext | null {
  if (typeof window === "undefined" || typeof window.AudioContext !== "function") return null;
  const ctx = new window.AudioContext();
  void ctx.resume();
  return ctx;
}

/** Two 880 Hz tones of 150 ms with soft edges (a hard start or stop clicks on most speakers). */
export function playBeep(ctx: AudioContext, volume = 0.3): void {
  if (ctx.state === "closed") return;
  if (ctx.state === "suspended") void ctx.resume();
  const start = ctx.currentTime + 0.01;
  for (const offset of [0, 0.25]) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = "square";
    osc.frequency.value = 880;
    const t = start + offset;
    gain.gain.setValueAtTime(0, t);
    gain.gain.linearRampToValueAtTime(volume, t + 0.01);
    gain.gain.setValueAtTime(volume, t + 0.14);
    gain.gain.linearRampToValueAtTime(0, t + 0.15);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t);
    osc.stop(t + 0.16);
  }
}
