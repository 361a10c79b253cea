import type { Principal } from '../core/auth/principal';
import type { Logger } from '../core/ports/logger.port';
import type { OrderViewLoaders } from './orders/order-views.loaders';

/** Built per request by the gateway. */
export interface GatewayContext {
  principal: Principal;
  /** The span this request opens; submissions continue its trace. */
  traceparent: string;
  requestId: string;
  logger: Logger;
  /** Live views of ERP, MES and QMS, batched per request; absent where no systems are connected. */
  views?: OrderViewLoaders;
  /** The request's own Authorization header: an edge gateway asks the central one on the caller's behalf with it. */
  authorization?: string;
}
