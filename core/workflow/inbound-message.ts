import type { Envelope } from '../intake/envelope';

/** A command as a worker receives it: its envelope, unchanged since intake, and which delivery this is. */
export interface InboundMessage {
  envelope: Envelope;
  /** 1 for the first delivery; increased each time the message comes back from a retry queue. */
  attempt: number;
}
