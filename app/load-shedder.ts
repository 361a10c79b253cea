/**
 * Bounds the requests a gateway works on at once. Past the bound a request is refused at once (503 with
 * Retry-After) instead of queueing behind the others: under a burst the gateway keeps answering, what it accepted
 * it finishes, and clients come back when told. Health, readiness and metrics are never shed.
 */
export function createLoadShedder(maxInFlight: number) {
  let inFlight = 0;
  let shed = 0;
  return {
    /** Takes a slot, or returns false when there is none; a taken slot must be given back with leave(). */
    tryEnter(): boolean {
      if (inFlight >= maxInFlight) {
        shed += 1;
        return false;
      }
      inFlight += 1;
      return true;
    },
    leave() {
      inFlight -= 1;
    },
    stats: () => ({ inFlight, shed, maxInFlight }),
  };
}

export type LoadShedder = ReturnType<typeof createLoadShedder>;
