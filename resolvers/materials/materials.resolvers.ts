import type { CommandSubmitter } from '../command.submitter';
import { submitMutation } from '../submit-mutation';
import { reportMaterialConsumptionInput } from './material.inputs';

export function materialsResolvers({ submit }: { submit: CommandSubmitter }) {
  return { Mutation: { reportMaterialConsumption: submitMutation('ReportMaterialConsumption', reportMaterialConsumptionInput, submit) } };
}
