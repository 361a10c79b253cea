import { GraphQLError } from 'graphql';
import type { z } from 'zod';
import type { Command, MessageType } from '../../core/commands/command.types';
import type { CommandSubmitter, SubmitResult } from '../command.submitter';
import type { GatewayContext } from '../context';
import { parseInput } from '../input-errors';
import { reportMaterialConsumptionInput } from '../materials/material.inputs';
import { reportOperationEventInput } from '../operations/operation.inputs';
import { acknowledgeProductionOrderInput, reportProductionCompletionInput } from '../orders/order.inputs';
import { acknowledgePostingInput } from '../postings/posting.inputs';
import { recordInspectionResultInput, reportNonconformanceInput } from '../quality/quality.inputs';

/** What each source system may send by webhook, and the shape check each message gets (the mutations' own). */
const ALLOWED: Record<string, Partial<Record<MessageType, z.ZodType<{ messageId?: string | null }>>>> = {
  mes: {
    AcknowledgeProductionOrder: acknowledgeProductionOrderInput,
    ReportOperationEvent: reportOperationEventInput,
    ReportMaterialConsumption: reportMaterialConsumptionInput,
    ReportProductionCompletion: reportProductionCompletionInput,
  },
  qms: { RecordInspectionResult: recordInspectionResultInput, ReportNonconformance: reportNonconformanceInput },
  erp: { AcknowledgePosting: acknowledgePostingInput },
};

export type WebhookOutcome = { status: 202; body: SubmitResult } | { status: 400 | 404; body: { error: string; field?: string } };

/**
 * Inbound webhooks enter exactly where GraphQL mutations do: the same shape checks, the same business keys,
 * the same confirmed publish. `{ messageType, payload }` in, `{ correlationId, status }` out.
 */
export async function handleWebhook(source: string, body: unknown, submit: CommandSubmitter, ctx: GatewayContext): Promise<WebhookOutcome> {
  const allowed = ALLOWED[source];
  if (!allowed) return { status: 404, body: { error: `no webhook for source ${source}; known: ${Object.keys(ALLOWED).join(', ')}` } };
  const { messageType, payload } = (body ?? {}) as { messageType?: string; payload?: unknown };
  const schema = messageType ? allowed[messageType as MessageType] : undefined;
  if (!schema) return { status: 400, body: { error: `messageType must be one of ${Object.keys(allowed).join(', ')} for ${source}`, field: 'messageType' } };
  try {
    const parsed = parseInput(schema, payload);
    const result = await submit({ messageType, payload: parsed } as Command, parsed.messageId, ctx);
    return { status: 202, body: result };
  } catch (error) {
    if (error instanceof GraphQLError && error.extensions.code === 'BAD_USER_INPUT') {
      return { status: 400, body: { error: error.message.replace('Invalid input: input', 'Invalid payload: payload'), field: String(error.extensions.field).replace(/^input/, 'payload') } };
    }
    throw error;
  }
}
