import { DomainError } from '../errors';

/** Every action says why: an empty note would leave the auditor a gap. */
export function noteOf(note: string): string {
  const text = (note ?? '').trim();
  if (!text) throw new DomainError('INVALID_INPUT', 'a note saying why is required', { details: { argument: 'note' } });
  return text;
}
