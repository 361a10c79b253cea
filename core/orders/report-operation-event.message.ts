import { defineMessage } from '../messages/message-slice';
import { reportOperationEventCommand } from './report-operation-event.command';
import { decideOperationEvent } from './operation.rules';

export const reportOperationEvent = defineMessage({ ...reportOperationEventCommand, decide: decideOperationEvent });
