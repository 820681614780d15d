/** Open live streams one person may have in one server process (tabs, devices); a new one ends their oldest. */
export const LIVE_STREAMS_PER_USER = 3;
/** Open live streams one server process serves at most; past that new ones are refused. */
export const LIVE_STREAMS_PER_PROCESS = 200;

type Entry = { userId: string; evict: () => void };

export type StreamSlots = {
  /** A slot for `userId`, or null when the process is full. `evict` is called if a newer stream of theirs takes it. */
  admit(userId: string, evict: () => void): { release(): void } | null;
  count(userId?: string): number;
};

/** The registry of open streams: per person the newest LIVE_STREAMS_PER_USER, per process LIVE_STREAMS_PER_PROCESS. */
export function createStreamSlots(perUser = LIVE_STREAMS_PER_USER, perProcess = LIVE_STREAMS_PER_PROCESS): StreamSlots {
  const open: Entry[] = []; // oldest first
  const remove = (entry: Entry) => {
    const i = open.indexOf(entry);
    if (i >= 0) open.splice(i, 1);
  };
  return {
    admit(userId, evict) {
      const theirs = open.filter((e) => e.userId === userId);
      // Their oldest streams make room first (a forgotten tab should not lock them out), then the process cap.
      for (const old of theirs.slice(0, Math.max(0, theirs.length - perUser + 1))) {
        remove(old);
        old.evict();
      }
      if (open.length >= perProcess) return null;
      const entry: Entry = { userId, evict };
      open.push(entry);
      return { release: () => remove(entry) };
    },
    count: (userId) => (userId ? open.filter((e) => e.userId === userId).length : open.length),
  };
}
