import { RequestMethod, type ExecutionContext, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, ModulesContainer } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { ALLOW_KEY, AUTHENTICATED, PUBLIC, type Permission } from '../../src/access/allow.decorator.js';
import { AuthGuard } from '../../src/auth/auth.guard.js';
import type { Principal } from '../../src/access/principal.js';
import { DomainError } from '../../src/errors/domain-error.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** What @nestjs/graphql records on @Query/@Mutation/@Subscription methods (RESOLVER_TYPE_METADATA, RESOLVER_NAME_METADATA). */
const RESOLVER_TYPE_METADATA = 'graphql:resolver_type';
const RESOLVER_NAME_METADATA = 'graphql:resolver_name';
const ROOT_TYPES = ['Query', 'Mutation', 'Subscription'] as const;

/**
 * Who may call each GraphQL operation. Adding an operation or changing a permission must change
 * this map too, so that the change is a visible decision in review.
 */
const EXPECTED_OPERATIONS: Record<string, Permission[]> = {
  'Query.agencies': [AUTHENTICATED],
  'Query.agency': [AUTHENTICATED],
  'Query.me': [AUTHENTICATED],
  'Query.platformKey': [AUTHENTICATED],
  'Query.keyRotationStatus': ['AGENCY_ADMIN'],
  'Query.seizure': [AUTHENTICATED],
  'Query.seizures': [AUTHENTICATED],
  'Query.seizureStats': [AUTHENTICATED],
  'Query.operation': [AUTHENTICATED],
  'Query.operations': [AUTHENTICATED],
  'Query.operationReport': [AUTHENTICATED],
  'Query.alerts': ['ELO', 'ANALYST', 'AGENCY_ADMIN', 'PARTNER'],
  'Query.agencyAlerts': ['AGENCY_ADMIN', 'PLATFORM_ADMIN'],
  'Query.auditTrail': ['AGENCY_ADMIN', 'AUDITOR'],
  'Query.verifyAuditChain': ['AUDITOR'],
  'Query.changes': [AUTHENTICATED],
  'Query.agencyUsers': ['AGENCY_ADMIN'],
  'Query.oidcBindings': ['AGENCY_ADMIN', 'PLATFORM_ADMIN'],
  'Query.personalKeys': [AUTHENTICATED],
  'Query.sectionsToReseal': [AUTHENTICATED],
  'Mutation.submitSeizure': ['ELO', 'ANALYST'],
  'Mutation.submitSealedSeizure': ['ELO', 'ANALYST'],
  'Mutation.updateSeizure': ['ELO', 'ANALYST', 'AGENCY_ADMIN'],
  'Mutation.releaseSeizure': ['ELO', 'ANALYST', 'AGENCY_ADMIN'],
  'Mutation.retractSeizure': ['ELO', 'ANALYST', 'AGENCY_ADMIN'],
  'Mutation.registerAgencyKey': ['AGENCY_ADMIN'],
  'Mutation.agencyKeyChallenge': ['AGENCY_ADMIN'],
  'Mutation.revokeAgencyKey': ['AGENCY_ADMIN'],
  'Mutation.createOperation': ['ANALYST'],
  'Mutation.addOperationParticipants': ['ANALYST', 'PLATFORM_ADMIN'],
  'Mutation.setOperationStatus': ['ANALYST', 'PLATFORM_ADMIN'],
  'Mutation.linkSeizureToOperation': ['ELO', 'ANALYST', 'AGENCY_ADMIN'],
  'Mutation.requestSeizureLink': ['ANALYST'],
  'Mutation.respondToSeizureLinkRequest': ['ELO', 'AGENCY_ADMIN'],
  'Query.seizureLinkRequests': [AUTHENTICATED],
  'Mutation.compileOperationReport': ['ANALYST'],
  'Mutation.publishOperationReport': ['ANALYST'],
  'Mutation.writeOperationReportNarrative': ['ANALYST'],
  'Mutation.setOperationReportAssessment': ['ANALYST'],
  'Mutation.approveOperationReport': ['REVIEWER'],
  'Mutation.rejectOperationReport': ['REVIEWER'],
  'Mutation.recordOperationOutcome': ['ELO', 'ANALYST', 'AGENCY_ADMIN'],
  'Mutation.createAlert': ['ELO', 'ANALYST', 'AGENCY_ADMIN', 'PARTNER'],
  'Mutation.deleteAlert': ['ELO', 'ANALYST', 'AGENCY_ADMIN', 'PARTNER'],
  'Mutation.stopAgencyAlert': ['AGENCY_ADMIN', 'PLATFORM_ADMIN'],
  'Mutation.createApiKey': ['AGENCY_ADMIN'],
  'Mutation.revokeApiKey': ['AGENCY_ADMIN'],
  'Mutation.removeOidcBinding': ['AGENCY_ADMIN', 'PLATFORM_ADMIN'],
  'Mutation.personalKeyChallenge': [AUTHENTICATED],
  'Mutation.registerPersonalKey': [AUTHENTICATED],
  'Mutation.revokePersonalKey': [AUTHENTICATED],
  'Subscription.seizureReported': [AUTHENTICATED],
  'Subscription.seizureLinkRequested': ['ELO', 'AGENCY_ADMIN'],
};

/** Who may call each plain HTTP route. */
const EXPECTED_ROUTES: Record<string, Permission[]> = {
  'GET /health': [PUBLIC],
  'GET /metrics': [PUBLIC],
  'GET /graphiql/:file': [PUBLIC],
  'GET /reports/:file': [AUTHENTICATED],
  // The console: its page and files, and the sign-in that makes a session (anyone may try).
  'GET /': [PUBLIC],
  'GET /assets/:file': [PUBLIC],
  'POST /session': [PUBLIC],
  'GET /session': [PUBLIC],
  'GET /session/options': [PUBLIC],
  'DELETE /session': [PUBLIC],
  'GET /session/oidc': [PUBLIC],
  'GET /session/oidc/callback': [PUBLIC],
};

type Handler = (...args: unknown[]) => unknown;

/** The permission the global guard will see: the handler's @Allow, else the class's. */
function declaredPermission(handler: Handler, type: object): Permission[] | undefined {
  return Reflect.getMetadata(ALLOW_KEY, handler) ?? Reflect.getMetadata(ALLOW_KEY, type);
}

function joinPaths(...parts: (string | string[] | undefined)[]): string {
  const segments = parts.flatMap((part) => (Array.isArray(part) ? part : [part ?? ''])).flatMap((part) => part.split('/')).filter(Boolean);
  return `/${segments.join('/')}`;
}

describe('every resolver and route declares who may call it', () => {
  let platform: TestApp;
  let discovery: DiscoveryService;
  const scanner = new MetadataScanner();

  beforeAll(async () => {
    platform = await startTestApp();
    // The app does not import DiscoveryModule; the service only needs the modules container.
    discovery = new DiscoveryService(platform.server.app.get(ModulesContainer));
  });
  afterAll(() => platform.stop());

  /** Every @Query/@Mutation/@Subscription method of every provider, as "Type.field" → its permission. */
  function graphqlOperations(): Map<string, { where: string; permission: Permission[] | undefined }> {
    const operations = new Map<string, { where: string; permission: Permission[] | undefined }>();
    const seen = new Set<object>();
    for (const wrapper of discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.metatype || seen.has(instance.constructor)) continue;
      seen.add(instance.constructor);
      const prototype = Object.getPrototypeOf(instance);
      for (const method of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[method] as Handler;
        const type = Reflect.getMetadata(RESOLVER_TYPE_METADATA, handler);
        if (!ROOT_TYPES.includes(type)) continue;
        const name = `${type}.${Reflect.getMetadata(RESOLVER_NAME_METADATA, handler) ?? method}`;
        expect(operations.has(name)).toBe(false);
        operations.set(name, { where: `${instance.constructor.name}.${method}`, permission: declaredPermission(handler, instance.constructor) });
      }
    }
    return operations;
  }

  /** Every controller route, as "METHOD /path" → its permission. */
  function httpRoutes(): Map<string, { where: string; permission: Permission[] | undefined }> {
    const routes = new Map<string, { where: string; permission: Permission[] | undefined }>();
    for (const wrapper of discovery.getControllers()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || !wrapper.metatype) continue;
      const prefix = Reflect.getMetadata(PATH_METADATA, wrapper.metatype) as string | string[] | undefined;
      const prototype = Object.getPrototypeOf(instance);
      for (const method of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[method] as Handler;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (path === undefined) continue;
        const verb = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        routes.set(`${verb} ${joinPaths(prefix, path)}`, { where: `${wrapper.metatype.name}.${method}`, permission: declaredPermission(handler, wrapper.metatype) });
      }
    }
    return routes;
  }

  it('finds every root field of the served schema among the resolvers', () => {
    const { schema } = platform.server.app.get(GraphQLSchemaHost);
    const fields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]
      .filter((type) => type != null)
      .flatMap((type) => Object.keys(type.getFields()).map((field) => `${type.name}.${field}`))
      // Federation's own fields: `_service` serves the SDL, `_entities` calls each entity's
      // @ResolveReference, which authenticates and applies access like any read (federation tests).
      .filter((field) => field !== 'Query._service' && field !== 'Query._entities')
      .sort();
    expect(fields.length).toBeGreaterThan(0);
    expect([...graphqlOperations().keys()].sort()).toEqual(fields);
  });

  it('has a non-empty @Allow on every GraphQL operation', () => {
    const missing = [...graphqlOperations()].filter(([, { permission }]) => !permission || permission.length === 0).map(([name, { where }]) => `${name} (${where})`);
    expect(missing).toEqual([]);
  });

  it('gives each GraphQL operation exactly the expected permissions', () => {
    const actual = Object.fromEntries([...graphqlOperations()].map(([name, { permission }]) => [name, permission]));
    expect(actual).toEqual(EXPECTED_OPERATIONS);
  });

  it('makes no GraphQL operation public', () => {
    const open = [...graphqlOperations()].filter(([, { permission }]) => permission?.includes(PUBLIC)).map(([name]) => name);
    expect(open).toEqual([]);
  });

  it('has a non-empty @Allow on every HTTP route, with the expected permissions', () => {
    const routes = httpRoutes();
    const missing = [...routes].filter(([, { permission }]) => !permission || permission.length === 0).map(([name, { where }]) => `${name} (${where})`);
    expect(missing).toEqual([]);
    expect(Object.fromEntries([...routes].map(([name, { permission }]) => [name, permission]))).toEqual(EXPECTED_ROUTES);
  });

  describe('the global guard', () => {
    const principal = (roles: Principal['roles']): Principal => ({
      userId: '00000000-0000-0000-0000-000000000000',
      email: 'x@jm.test',
      agencyCode: 'JM',
      agencyKind: 'MEMBER_ADMINISTRATION',
      country: 'JM',
      region: 'Caribbean',
      communities: ['CCLEC'],
      roles,
      authMethod: 'api-key',
    });

    /** An HTTP execution context for a handler, with an already-authenticated request when given. */
    function contextFor(handler: Handler, type: Type, request: Record<string, unknown>): ExecutionContext {
      return {
        getHandler: () => handler,
        getClass: () => type,
        getType: () => 'http',
        getArgs: () => [request],
        getArgByIndex: (index: number) => [request][index],
        switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}), getNext: () => undefined }),
        switchToRpc: () => { throw new Error('not rpc'); },
        switchToWs: () => { throw new Error('not ws'); },
      } as unknown as ExecutionContext;
    }

    function decorated(permissions: Permission[] | undefined): { handler: Handler; type: Type } {
      class Probe {
        handle() {
          return 'ran';
        }
      }
      if (permissions) Reflect.defineMetadata(ALLOW_KEY, permissions, Probe.prototype.handle);
      return { handler: Probe.prototype.handle as Handler, type: Probe };
    }

    const check = (permissions: Permission[] | undefined, request: Record<string, unknown>) => {
      const { handler, type } = decorated(permissions);
      return platform.server.app.get(AuthGuard).canActivate(contextFor(handler, type, { headers: {}, ...request }));
    };

    it('refuses a handler that declares nothing, even for an authenticated caller', async () => {
      await expect(check(undefined, { windward: { principal: principal(['PLATFORM_ADMIN']), requestId: 'r' } })).rejects.toThrow(/declares no @Allow/);
      await expect(check([], { windward: { principal: principal(['PLATFORM_ADMIN']), requestId: 'r' } })).rejects.toThrow(/declares no @Allow/);
    });

    it('lets anyone through PUBLIC, and only authenticated callers through AUTHENTICATED', async () => {
      await expect(check([PUBLIC], {})).resolves.toBe(true);
      await expect(check([AUTHENTICATED], {})).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      await expect(check([AUTHENTICATED], { windward: { principal: principal(['PARTNER']), requestId: 'r' } })).resolves.toBe(true);
    });

    it('requires one of the listed roles, and nothing else', async () => {
      const analyst = { windward: { principal: principal(['ANALYST']), requestId: 'r' } };
      await expect(check(['ANALYST', 'AGENCY_ADMIN'], analyst)).resolves.toBe(true);
      const refusal = check(['PLATFORM_ADMIN'], analyst);
      await expect(refusal).rejects.toBeInstanceOf(DomainError);
      await expect(refusal).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(check(['ELO'], { windward: { principal: principal([]), requestId: 'r' } })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    });

    it('authenticates from the Authorization header when the request has no principal yet', async () => {
      const user = await platform.userWithKey('JM', ['AUDITOR']);
      await expect(check(['AUDITOR'], { headers: { authorization: `Bearer ${user.key}` } })).resolves.toBe(true);
      await expect(check(['ELO'], { headers: { authorization: `Bearer ${user.key}` } })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(check(['AUDITOR'], { headers: { authorization: 'Bearer wwk_nope' } })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    });
  });
});
