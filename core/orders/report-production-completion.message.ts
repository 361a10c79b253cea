import { defineMessage } from '../messages/message-slice';
import { reportProductionCompletionCommand } from './report-production-completion.command';
import { decideCompletion } from './completion.rules';

export const reportProductionCompletion = defineMessage({
  ...reportProductionCompletionCommand,
  decide: decideCompletion,
});
