import { useEffect } from 'react';

/** How often a screen reads its data again: updates appear without reloading the page. */
export const REFRESH_MS = 3000;

/** Runs `load` now and every REFRESH_MS while the screen shows, again whenever `load` changes (its inputs did). */
export function usePolling(load: () => Promise<void>): void {
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);
}
