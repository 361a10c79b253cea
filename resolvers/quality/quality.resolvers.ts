import type { CommandSubmitter } from '../command.submitter';
import { submitMutation } from '../submit-mutation';
import { recordInspectionResultInput, reportNonconformanceInput } from './quality.inputs';

export function qualityResolvers({ submit }: { submit: CommandSubmitter }) {
  return {
    Mutation: {
      recordInspectionResult: submitMutation('RecordInspectionResult', recordInspectionResultInput, submit),
      reportNonconformance: submitMutation('ReportNonconformance', reportNonconformanceInput, submit),
    },
  };
}
