import { defineMessage } from '../messages/message-slice';
import { recordInspectionResultCommand } from './record-inspection-result.command';
import { decideInspection } from './inspection.rules';

export const recordInspectionResult = defineMessage({ ...recordInspectionResultCommand, decide: decideInspection });
