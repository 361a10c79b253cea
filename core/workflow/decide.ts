import { decideConsumption } from '../materials/consumption.rules';
import { decideCompletion } from '../orders/completion.rules';
import { decideOperationEvent } from '../orders/operation.rules';
import { decideAcknowledge, decideRelease } from '../orders/order.rules';
import { decidePostingAcknowledgement } from '../postings/posting.rules';
import { decideInspection } from '../quality/inspection.rules';
import { decideNonconformance } from '../quality/nonconformance.rules';
import { decideReferenceData } from '../reference/reference-data.rules';
import type { Command } from '../commands/command.types';
import type { Decision, DecisionContext, DecisionInputs } from './decision';

/** Routes a command to the rules of its domain. Pure: same command, inputs and context, same decision. */
export function decide(command: Command, inputs: DecisionInputs, ctx: DecisionContext): Decision {
  switch (command.messageType) {
    case 'ReleaseProductionOrder':
      return decideRelease(command.payload, inputs, ctx);
    case 'AcknowledgeProductionOrder':
      return decideAcknowledge(command.payload, inputs, ctx);
    case 'ReportOperationEvent':
      return decideOperationEvent(command.payload, inputs, ctx);
    case 'ReportMaterialConsumption':
      return decideConsumption(command.payload, inputs, ctx);
    case 'ReportProductionCompletion':
      return decideCompletion(command.payload, inputs, ctx);
    case 'RecordInspectionResult':
      return decideInspection(command.payload, inputs, ctx);
    case 'ReportNonconformance':
      return decideNonconformance(command.payload, inputs, ctx);
    case 'UpsertReferenceData':
      return decideReferenceData(command.payload, inputs, ctx);
    case 'AcknowledgePosting':
      return decidePostingAcknowledgement(command.payload, inputs, ctx);
  }
}
