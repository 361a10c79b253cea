import { randomBytes } from 'node:crypto';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * A W3C traceparent for a new span: continues the caller's trace when it sent a valid traceparent,
 * starts a new trace otherwise.
 */
export function childTraceparent(parent: string | undefined): string {
  const match = parent ? TRACEPARENT.exec(parent.trim()) : null;
  const traceId = match?.[1] ?? randomBytes(16).toString('hex');
  const flags = match?.[3] ?? '01';
  return `00-${traceId}-${randomBytes(8).toString('hex')}-${flags}`;
}

/** The trace ID of a traceparent, or null when it is not a valid one. */
export function traceIdOf(traceparent: string | null | undefined): string | null {
  return (traceparent && TRACEPARENT.exec(traceparent.trim())?.[1]) || null;
}
