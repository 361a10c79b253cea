import { defineMessage } from '../messages/message-slice';
import { releaseProductionOrderCommand } from './release-production-order.command';
import { decideRelease } from './order.rules';

export const releaseProductionOrder = defineMessage({ ...releaseProductionOrderCommand, decide: decideRelease });
