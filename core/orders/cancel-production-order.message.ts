import { defineMessage } from '../messages/message-slice';
import { cancelProductionOrderCommand } from './cancel-production-order.command';
import { decideCancel } from './cancel.rules';

export const cancelProductionOrder = defineMessage({
  ...cancelProductionOrderCommand,
  decide: decideCancel,
});
