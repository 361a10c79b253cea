import type { Command } from '../commands/command.types';

/** A command as a worker receives it: the canonical content plus the identifiers it travelled with. */
export interface InboundMessage {
  command: Command;
  messageId: string;
  correlationId: string;
  businessKey: string;
  fingerprint: string;
  /** 1 for the first delivery; increased each time the message comes back from a retry queue. */
  attempt: number;
  /** When the gateway accepted it. */
  receivedAt: string;
  /** Who submitted it, for the audit trail. */
  actor: string;
}
