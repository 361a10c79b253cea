import { systemPrincipal } from '../auth/principal';
import type { Origin } from '../intake/envelope';
import type { DeliveryReceipt, OutboundMessage } from '../ports/downstream.port';
import type { AcknowledgePosting } from './acknowledge-posting.command';

/** Postings ERP books in its journal: each is answered with a document number. */
export const ERP_POSTING_TYPES = ['OperationConfirmation', 'GoodsIssue', 'GoodsReceipt', 'OrderSettlement'] as const;

export function isErpPosting(messageType: string): boolean {
  return (ERP_POSTING_TYPES as readonly string[]).includes(messageType);
}

/** ERP's connector, as the principal of the acknowledgements its answers become. */
export const ERP_CONNECTOR_PRINCIPAL = systemPrincipal('connector:erp', 'ERP connector');

/**
 * ERP's document number for a posting re-enters the workflow as AcknowledgePosting, through the intake like any
 * submission, in the trace of the posting. Null when the delivery is not an ERP posting or booked no document.
 */
export function postingAcknowledgementOf(
  message: OutboundMessage,
  receipt: DeliveryReceipt,
  at: string,
): { input: AcknowledgePosting; origin: Origin } | null {
  if (message.system !== 'erp' || !receipt.documentNumber || !isErpPosting(message.messageType)) return null;
  const messageId = `${message.id}:ack`;
  return {
    input: {
      plant: String(message.payload.plant),
      orderNumber: String(message.payload.orderNumber),
      postingKey: message.idempotencyKey,
      documentNumber: receipt.documentNumber,
      acknowledgedAt: at,
      messageId,
    },
    origin: { principal: ERP_CONNECTOR_PRINCIPAL, traceparent: message.traceparent, messageId },
  };
}
