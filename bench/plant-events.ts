/** An MES operation event of an order, as the benchmarks' simulated plants send it (work centres WC-CUT, WC-ASSY). */
export function operationEventInput(
  ref: { orderNumber: string; plant: string },
  sequence: number,
  eventType: string,
  occurredAt: string,
  messageId: string,
  yieldQuantity = 0,
) {
  return {
    ...ref,
    operationSequence: sequence,
    eventType,
    yieldQuantity,
    scrapQuantity: 0,
    workCenter: sequence === 10 ? 'WC-CUT' : 'WC-ASSY',
    equipment: `EQ-${sequence}`,
    operator: 'op',
    occurredAt,
    messageId,
  };
}
