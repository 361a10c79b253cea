/**
 * The ID of the final inspection Plantgate asks QMS for when a lot is completed. QMS decides the inspection under
 * this ID, so that a result can be matched to the request it answers (the request carries it to QMS).
 */
export function finalInspectionId(lot: string): string {
  return `FINAL-${lot}`;
}
