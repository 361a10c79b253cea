import { defineMessage } from '../messages/message-slice';
import { changeProductionOrderCommand } from './change-production-order.command';
import { decideChange } from './change.rules';

export const changeProductionOrder = defineMessage({ ...changeProductionOrderCommand, decide: decideChange });
