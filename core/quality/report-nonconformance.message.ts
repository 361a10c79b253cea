import { defineMessage } from '../messages/message-slice';
import { reportNonconformanceCommand } from './report-nonconformance.command';
import { decideNonconformance } from './nonconformance.rules';

export const reportNonconformance = defineMessage({ ...reportNonconformanceCommand, decide: decideNonconformance });
