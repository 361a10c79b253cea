import { defineMessage } from '../messages/message-slice';
import { acknowledgePostingCommand } from './acknowledge-posting.command';
import { decidePostingAcknowledgement } from './posting.rules';

export const acknowledgePosting = defineMessage({ ...acknowledgePostingCommand, decide: decidePostingAcknowledgement });
