import { reportMaterialConsumption } from '../materials/report-material-consumption.message';
import { acknowledgeProductionOrder } from '../orders/acknowledge-production-order.message';
import { changeProductionOrder } from '../orders/change-production-order.message';
import { closeProductionOrder } from '../orders/close-production-order.message';
import { cancelProductionOrder } from '../orders/cancel-production-order.message';
import { createProductionOrder } from '../orders/create-production-order.message';
import { releaseProductionOrder } from '../orders/release-production-order.message';
import { reportOperationEvent } from '../orders/report-operation-event.message';
import { reportProductionCompletion } from '../orders/report-production-completion.message';
import { acknowledgePosting } from '../postings/acknowledge-posting.message';
import { recordInspectionResult } from '../quality/record-inspection-result.message';
import { releaseUnderDeviation } from '../quality/release-under-deviation.message';
import { reportNonconformance } from '../quality/report-nonconformance.message';
import { upsertReferenceData } from '../reference/upsert-reference-data.message';
import type { Scope } from './command-shape';
import type { MessageSlice } from './message-slice';

/**
 * Every message type Plantgate accepts, one line each. A new type is a slice in its domain folder, its input and
 * mutation in the SDL, and a line here; the gateway, webhooks, business keys and workers find it from this list.
 */
export const MESSAGE_SLICES = [
  releaseProductionOrder,
  acknowledgeProductionOrder,
  reportOperationEvent,
  reportMaterialConsumption,
  reportProductionCompletion,
  recordInspectionResult,
  reportNonconformance,
  upsertReferenceData,
  acknowledgePosting,
  cancelProductionOrder,
  createProductionOrder,
  changeProductionOrder,
  closeProductionOrder,
] as const;

/**
 * Message types only Plantgate itself submits, through the same submission service: no mutation or webhook carries
 * them (a release under deviation exists only as an approved override, four eyes).
 */
export const INTERNAL_SLICES = [releaseUnderDeviation] as const;

type AnySlice = (typeof MESSAGE_SLICES)[number] | (typeof INTERNAL_SLICES)[number];
export type MessageType = AnySlice['messageType'];
export type PayloadOf<T extends MessageType> =
  Extract<AnySlice, { messageType: T }> extends MessageSlice<T, infer P> ? P : never;

/** A canonical command: a message type and its payload, after its shape was checked. */
export type Command = { [T in MessageType]: { messageType: T; payload: PayloadOf<T> } }[MessageType];

export const MESSAGE_TYPES: readonly MessageType[] = MESSAGE_SLICES.map((slice) => slice.messageType);

const BY_TYPE = new Map<string, MessageSlice<MessageType, object>>(
  [...MESSAGE_SLICES, ...INTERNAL_SLICES].map((slice) => [
    slice.messageType,
    slice as MessageSlice<MessageType, object>,
  ]),
);

export function isMessageType(value: unknown): value is MessageType {
  return typeof value === 'string' && BY_TYPE.has(value);
}

/** The slice of a message type; its payload type is the caller's to keep consistent (Command pairs them). */
export function sliceOf(messageType: MessageType): MessageSlice<MessageType, object> {
  return BY_TYPE.get(messageType)!;
}

/** The production order a command belongs to: the unit of ordering (one partition) and of the audit chain. */
export function scopeOf(command: Command): Scope {
  return sliceOf(command.messageType).scope(command.payload);
}

/** A message type's submit mutation is its name in camelCase; its input type is its name plus Input (public types). */
export function mutationOf(messageType: MessageType): string {
  return `${messageType.charAt(0).toLowerCase()}${messageType.slice(1)}`;
}

export function messageTypeOfMutation(mutation: string): MessageType | null {
  const messageType = `${mutation.charAt(0).toUpperCase()}${mutation.slice(1)}`;
  return (MESSAGE_TYPES as readonly string[]).includes(messageType) ? (messageType as MessageType) : null;
}
