import type { CommandSubmitter } from '../command.submitter';
import { submitMutation } from '../submit-mutation';
import { reportOperationEventInput } from './operation.inputs';

export function operationsResolvers({ submit }: { submit: CommandSubmitter }) {
  return { Mutation: { reportOperationEvent: submitMutation('ReportOperationEvent', reportOperationEventInput, submit) } };
}
