import { defineMessage } from '../messages/message-slice';
import { acknowledgeProductionOrderCommand } from './acknowledge-production-order.command';
import { decideAcknowledge } from './order.rules';

export const acknowledgeProductionOrder = defineMessage({
  ...acknowledgeProductionOrderCommand,
  decide: decideAcknowledge,
});
