import type { z } from 'zod';
import type { DownstreamSystem } from '../errors';
import type { OrderRecord } from '../orders/order.types';

/** The production order a command belongs to: the unit of ordering (one partition) and of the audit chain. */
export interface Scope {
  plant: string;
  orderNumber: string;
}

/** The stored state a message type's rules read, named before the rules run so that it is loaded once. */
export interface StateReads {
  /** [plant, lotNumber] pairs. */
  lots?: readonly (readonly [string, string])[];
  /** Item numbers whose revisions the rules compare. */
  items?: readonly string[];
  /** The plant whose work centers the rules check. */
  workCentersOf?: string;
  /** Plant codes the rules need to know exist. */
  plants?: readonly string[];
  /** Serial numbers of an item whose earlier use in the plant the rules check. */
  serials?: { plant: string; item: string; numbers: readonly string[] };
}

/** Helpers a business key is built with. */
export interface KeyParts {
  /** An event time as its bucket of the plant's `timestampBucketMs`: resends a few ms apart are the same event. */
  bucket(at: string): string;
  /** The digest of the business content, for messages with no event identity of their own. */
  fingerprint(): string;
}

/**
 * What a message type is, before any rule: its name, who may send it, the shape of its input, the order it belongs
 * to, the fields that identify its business event, and what stored state its rules read.
 */
export interface CommandShape<T extends string, P extends object> {
  readonly messageType: T;
  /** Source systems that may send it by webhook (`/webhooks/<system>`); every type is also a GraphQL mutation. */
  readonly webhookSources: readonly DownstreamSystem[];
  /** The input's shape beyond GraphQL's types; its output is the payload. A `messageId` in it is the transport ID. */
  readonly input: z.ZodType<P>;
  scope(payload: P): Scope;
  /**
   * The plants a submission acts on, for plant scope: by default its scope's plant. '*' stands for data every plant
   * shares (item master data), which only a principal of every plant may change.
   */
  plantsTouched?(payload: P): readonly string[];
  /** The business identifiers of the event, never transport IDs; the message type is prefixed by the registry. */
  businessKey(payload: P, parts: KeyParts): readonly string[];
  reads(payload: P, order: OrderRecord | null): StateReads;
}

/** Scope of messages about one production order. */
export function orderScope(payload: { plant: string; orderNumber: string }): Scope {
  return { plant: payload.plant, orderNumber: payload.orderNumber };
}
