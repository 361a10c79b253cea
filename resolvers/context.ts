import type { Principal } from '../core/auth/principal';
import type { Logger } from '../core/ports/logger.port';

/** Built per request by the gateway. */
export interface GatewayContext {
  principal: Principal;
  /** The span this request opens; commands carry it on as their traceparent. */
  traceparent: string;
  requestId: string;
  logger: Logger;
}
