import type { InboundMessage } from './inbound-message';

/** A message that arrived before its predecessor, parked until the order changes or its hold window ends. */
export interface HeldMessage {
  correlationId: string;
  plant: string;
  orderNumber: string;
  message: InboundMessage;
  rule: string;
  reason: string;
  heldAt: string;
  heldUntil: string;
  /** The open exception it waits behind (an earlier event of its order it depends on); exempt from expiry meanwhile. */
  blockedBy?: string | null;
}
