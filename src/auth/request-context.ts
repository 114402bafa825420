import type { Principal } from './principal.js';

/**
 * What every service method receives first: who is asking and on which request. Access decisions
 * are made from it, never from a global.
 */
export interface RequestContext {
  principal: Principal;
  requestId: string;
}
