import { defineMessage } from '../messages/message-slice';
import { upsertReferenceDataCommand } from './upsert-reference-data.command';
import { decideReferenceData } from './reference-data.rules';

export const upsertReferenceData = defineMessage({ ...upsertReferenceDataCommand, decide: decideReferenceData });
