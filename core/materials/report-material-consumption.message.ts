import { defineMessage } from '../messages/message-slice';
import { reportMaterialConsumptionCommand } from './report-material-consumption.command';
import { decideConsumption } from './consumption.rules';

export const reportMaterialConsumption = defineMessage({
  ...reportMaterialConsumptionCommand,
  decide: decideConsumption,
});
