/** The identifiers an auditor looks an entry up by, taken from a message's payload when it names them. */
export interface AuditConcerns {
  lot?: string;
  inspectionId?: string;
  disposition?: string;
  nonconformanceId?: string;
}

const CONCERN_FIELDS = ['lot', 'inspectionId', 'disposition', 'nonconformanceId'] as const;

export function concernsOf(payload: unknown): AuditConcerns {
  if (!payload || typeof payload !== 'object') return {};
  const fields = payload as Record<string, unknown>;
  return Object.fromEntries(
    CONCERN_FIELDS.filter((f) => typeof fields[f] === 'string').map((f) => [f, fields[f] as string]),
  );
}
