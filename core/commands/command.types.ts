/**
 * Canonical commands: what an integrator submits, after shape validation, as it travels through the broker.
 * Dates are ISO-8601 strings; quantities are numbers with a unit of measure.
 */
export const MESSAGE_TYPES = ['ReleaseProductionOrder', 'AcknowledgeProductionOrder'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** Bumped when a payload changes incompatibly; workers refuse versions they do not know. */
export const SCHEMA_VERSION = 1;

export interface OperationInput {
  sequence: number;
  workCenter: string;
  description: string;
}

export interface ComponentInput {
  item: string;
  quantity: number;
  uom: string;
  operationSequence: number;
}

export interface ReleaseProductionOrder {
  orderNumber: string;
  plant: string;
  item: string;
  itemRevision: string;
  routingRevision: string;
  specRevision: string;
  quantity: number;
  uom: string;
  dueAt: string;
  operations: OperationInput[];
  components: ComponentInput[];
}

export interface AcknowledgeProductionOrder {
  orderNumber: string;
  plant: string;
  routingRevision: string;
  specRevision: string;
  acknowledgedAt: string;
  messageId: string;
}

export interface PayloadByType {
  ReleaseProductionOrder: ReleaseProductionOrder;
  AcknowledgeProductionOrder: AcknowledgeProductionOrder;
}

export type Command = {
  [T in MessageType]: { messageType: T; payload: PayloadByType[T] };
}[MessageType];

/** Every command belongs to one production order: the unit of ordering and partitioning. */
export function orderRefOf(command: Command): { plant: string; orderNumber: string } {
  return { plant: command.payload.plant, orderNumber: command.payload.orderNumber };
}

export function isMessageType(value: unknown): value is MessageType {
  return typeof value === 'string' && (MESSAGE_TYPES as readonly string[]).includes(value);
}
