import type { AppAbility } from './ability.factory.js';
import type { Principal } from './principal.js';

/**
 * What every service method receives first: who is asking, what they may do, and on which
 * request. Access decisions are made from it, never from a global.
 */
export interface RequestContext {
  principal: Principal;
  ability: AppAbility;
  requestId: string;
}
