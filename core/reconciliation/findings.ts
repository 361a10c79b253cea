import type { Correction, DriftSystem, DriftValue, Finding } from './drift.types';

/**
 * Collects the differences of one subject with one system: `at` records a field only where Plantgate's value and
 * the system's differ, with the lot it concerns and the correction that would bring them together, if any.
 */
export function findingsWith(system: DriftSystem, orderNumber: string | null) {
  const found: Finding[] = [];
  const at = (
    field: string,
    plantgateValue: DriftValue,
    systemValue: DriftValue,
    about: { lot?: string | null; correction?: Correction | null } = {},
  ) => {
    if (plantgateValue === systemValue) return;
    found.push({
      system,
      orderNumber,
      lot: about.lot ?? null,
      field,
      plantgateValue,
      systemValue,
      correction: about.correction ?? null,
    });
  };
  return { found, at };
}

/** Whether something that happened `at` is older than the grace period: nothing of it can still be on its way. */
export function settled(at: string, now: string, graceSeconds: number): boolean {
  return Date.parse(at) <= Date.parse(now) - graceSeconds * 1000;
}
