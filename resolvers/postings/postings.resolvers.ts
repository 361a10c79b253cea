import type { CommandSubmitter } from '../command.submitter';
import { submitMutation } from '../submit-mutation';
import { acknowledgePostingInput } from './posting.inputs';

export function postingsResolvers({ submit }: { submit: CommandSubmitter }) {
  return { Mutation: { acknowledgePosting: submitMutation('AcknowledgePosting', acknowledgePostingInput, submit) } };
}
