import { existsSync, readFileSync } from 'node:fs';
import { isIP, isIPv4 } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { z } from 'zod';
import { ConfigError } from './config-error.js';
import { loadConfigFiles, type ConfigFiles } from './config-files.js';

export { ConfigError };

const logLevels = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof logLevels)[number];

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// or postgresql:// URL');
const redisUrl = z.string().regex(/^rediss?:\/\/.+/, 'must be a redis:// or rediss:// URL');
const httpsOrLocalUrl = z.url().refine((u) => /^https:\/\//.test(u) || /^http:\/\/(localhost|127\.0\.0\.1)(:|\/|$)/.test(u), {
  message: 'must be an https:// URL (http:// only on localhost)',
});

/** An IPv4 or IPv6 address, or a CIDR range of one. */
function isAddressOrRange(entry: string): boolean {
  const [address, bits, extra] = entry.split('/');
  if (extra !== undefined || !isIP(address)) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (isIPv4(address) ? 32 : 128);
}

const schema = z
  .object({
    nodeEnv: z.enum(['development', 'production', 'test']),
    server: z.object({
      port: z.coerce.number().int().min(0).max(65535),
      host: z.string().min(1),
      shutdownTimeoutMs: z.coerce.number().int().min(100).max(600000),
      /**
       * The reverse proxies whose X-Forwarded-For names the client (addresses or CIDR ranges, comma
       * separated); empty: the socket's peer is the client. Per-client limits need it behind a proxy.
       */
      trustedProxies: z
        .string()
        .default('')
        .transform((text) => text.split(',').map((entry) => entry.trim()).filter(Boolean))
        .refine((entries) => entries.every(isAddressOrRange), { message: 'must be IP addresses or CIDR ranges, comma separated' }),
    }),
    database: z.object({
      url: postgresUrl.optional(),
      dataDir: z.string().min(1),
      poolSize: z.coerce.number().int().min(1).max(200),
      /** Hot read statements as named prepared statements (PostgreSQL only); off behind a pooler that cannot keep them (PgBouncer in transaction mode before 1.21). */
      preparedStatements: z.enum(['on', 'off']),
      /** What a credential stands for, kept between requests and dropped on every change the database announces (PostgreSQL only; auth/credential-cache.ts). */
      credentialCache: z.enum(['on', 'off']).default('on'),
    }),
    redis: z.object({ url: redisUrl.optional(), prefix: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).default('windward') }),
    crypto: z.object({ platformKeyPassphrase: z.string().min(12, 'must be at least 12 characters').optional() }),
    oidc: z.object({
      issuer: httpsOrLocalUrl.optional(),
      audience: z.string().min(1).optional(),
      jwksUri: httpsOrLocalUrl.optional(),
      emailClaim: z.string().min(1).default('email'),
      /** The console's sign-in (authorization code with PKCE): its client id, and secret when the provider wants one. */
      clientId: z.string().min(1).optional(),
      clientSecret: z.string().min(1).optional(),
      /** Where the provider sends the browser back; defaults to <this server>/session/oidc/callback. */
      redirectUri: httpsOrLocalUrl.optional(),
      /** The longest lifetime (exp - iat) and age (now - iat) of a token we accept, in seconds. */
      maxTokenAgeSeconds: z.coerce.number().int().min(60).max(86400).default(3600),
      /** How far our clock and the issuer's may disagree, in seconds. */
      clockSkewSeconds: z.coerce.number().int().min(0).max(300).default(30),
    }),
    graphql: z.object({
      maxDepth: z.coerce.number().int().min(2).max(100),
      maxComplexity: z.coerce.number().int().min(10).max(1000000),
      maxAliases: z.coerce.number().int().min(0).max(10000),
      maxRootFields: z.coerce.number().int().min(1).max(10000),
    }),
    /** Webhook destinations on loopback, private, link-local or metadata addresses: refused unless this is on. */
    webhooks: z
      .object({ allowPrivateDestinations: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).default(false) })
      .default({ allowPrivateDestinations: false }),
    jobs: z.object({
      concurrency: z.coerce.number().int().min(1).max(100),
      /** `windward worker` answers GET /health on this port (0: any free port). */
      workerHealthPort: z.coerce.number().int().min(0).max(65535).default(4001),
      attempts: z.coerce.number().int().min(1).max(50),
    }),
    log: z.object({ level: z.enum(logLevels) }),
    /**
     * What the API port's GET /metrics and the job counts of GET /health may be read with: counts of
     * requests, mutations and jobs are platform-wide activity. Set, they need it as a bearer token;
     * unset, they are open in development and withheld in production.
     */
    metrics: z.object({ token: z.string().min(16, 'must be at least 16 characters').optional() }).default({}),
    /** How often a running process logs the audit chain's end (an anchor to check `audit verify --anchor` against); 0: never. */
    audit: z.object({ anchorIntervalSeconds: z.coerce.number().int().min(0).max(86400).default(300) }).default({ anchorIntervalSeconds: 300 }),
    /** Per-agency token bucket for partner clients (PARTNER role, or RILO/PARTNER agencies). */
    rateLimit: z.object({
      partnerRequestsPerMinute: z.coerce.number().int().min(1).max(1000000),
      burst: z.coerce.number().int().min(1).max(1000000),
      oidcStartsPerMinute: z.coerce.number().int().min(1).max(1000000),
    }),
  })
  .superRefine((c, ctx) => {
    if (c.nodeEnv === 'production' && !c.crypto.platformKeyPassphrase) {
      ctx.addIssue({ code: 'custom', path: ['crypto', 'platformKeyPassphrase'], message: 'is required when NODE_ENV=production' });
    }
    if (c.oidc.audience && !c.oidc.issuer) {
      ctx.addIssue({ code: 'custom', path: ['oidc', 'issuer'], message: 'is required when OIDC_AUDIENCE is set' });
    }
  });

/** The settings, and the data files of config/ the service is built from (checked with them, at boot). */
export type AppConfig = z.infer<typeof schema> & { files: ConfigFiles };

/** Which environment variable sets which setting; also used to name a bad value in errors. */
const ENV_VARIABLES: Record<string, string> = {
  nodeEnv: 'NODE_ENV',
  'server.port': 'PORT',
  'server.host': 'HOST',
  'server.shutdownTimeoutMs': 'SHUTDOWN_TIMEOUT_MS',
  'server.trustedProxies': 'TRUSTED_PROXIES',
  'database.url': 'DATABASE_URL',
  'database.dataDir': 'DATA_DIR',
  'database.poolSize': 'DATABASE_POOL_SIZE',
  'database.preparedStatements': 'DATABASE_PREPARED_STATEMENTS',
  'database.credentialCache': 'DATABASE_CREDENTIAL_CACHE',
  'redis.url': 'REDIS_URL',
  'redis.prefix': 'REDIS_PREFIX',
  'crypto.platformKeyPassphrase': 'PLATFORM_KEY_PASSPHRASE',
  'oidc.issuer': 'OIDC_ISSUER',
  'oidc.audience': 'OIDC_AUDIENCE',
  'oidc.jwksUri': 'OIDC_JWKS_URI',
  'oidc.emailClaim': 'OIDC_EMAIL_CLAIM',
  'oidc.clientId': 'OIDC_CLIENT_ID',
  'oidc.clientSecret': 'OIDC_CLIENT_SECRET',
  'oidc.redirectUri': 'OIDC_REDIRECT_URI',
  'oidc.maxTokenAgeSeconds': 'OIDC_MAX_TOKEN_AGE',
  'oidc.clockSkewSeconds': 'OIDC_CLOCK_SKEW',
  'graphql.maxDepth': 'GRAPHQL_MAX_DEPTH',
  'graphql.maxComplexity': 'GRAPHQL_MAX_COMPLEXITY',
  'graphql.maxAliases': 'GRAPHQL_MAX_ALIASES',
  'graphql.maxRootFields': 'GRAPHQL_MAX_ROOT_FIELDS',
  'webhooks.allowPrivateDestinations': 'WEBHOOK_ALLOW_PRIVATE_DESTINATIONS',
  'jobs.concurrency': 'JOB_CONCURRENCY',
  'jobs.workerHealthPort': 'WORKER_HEALTH_PORT',
  'jobs.attempts': 'JOB_ATTEMPTS',
  'log.level': 'LOG_LEVEL',
  'metrics.token': 'METRICS_TOKEN',
  'audit.anchorIntervalSeconds': 'AUDIT_ANCHOR_INTERVAL',
  'rateLimit.partnerRequestsPerMinute': 'RATE_LIMIT_PARTNER_PER_MINUTE',
  'rateLimit.burst': 'RATE_LIMIT_PARTNER_BURST',
  'rateLimit.oidcStartsPerMinute': 'RATE_LIMIT_OIDC_START_PER_MINUTE',
};

/** Settings that must never be printed; `describeConfig` masks them. */
const SECRET_SETTINGS = new Set(['crypto.platformKeyPassphrase', 'database.url', 'redis.url', 'oidc.clientSecret', 'metrics.token']);

type Tree = Record<string, unknown>;

function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeInto(target: Tree, source: Tree): Tree {
  for (const [key, value] of Object.entries(source)) {
    target[key] = isTree(value) && isTree(target[key]) ? mergeInto({ ...(target[key] as Tree) }, value) : value;
  }
  return target;
}

function setPath(tree: Tree, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = tree;
  for (const part of parts.slice(0, -1)) {
    if (!isTree(node[part])) node[part] = {};
    node = node[part] as Tree;
  }
  node[parts[parts.length - 1]] = value;
}

function valueAt(tree: Tree, dotted: string): unknown {
  let node: unknown = tree;
  for (const part of dotted.split('.')) node = isTree(node) ? node[part] : undefined;
  return node;
}

function readYaml(file: string): Tree {
  let parsed: unknown;
  try {
    parsed = YAML.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Invalid configuration file ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (parsed == null) return {};
  if (!isTree(parsed)) throw new ConfigError(`Invalid configuration file ${file}: expected a mapping at the top level`);
  return parsed;
}

/** The project's config/ folder: CONFIG_DIR, else the nearest config/ above this file (src or dist). */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CONFIG_DIR) return path.resolve(env.CONFIG_DIR);
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'config', 'default.yaml')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'config');
}

/**
 * Builds the one typed configuration object from config/*.yaml and the environment, with the
 * policies and exchange rates read and checked (config-files.ts), or throws a ConfigError whose
 * message is one line naming the bad setting or file and where it came from.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const dir = configDir(env);
  const nodeEnv = env.NODE_ENV ?? 'development';
  const defaults = path.join(dir, 'default.yaml');
  if (!existsSync(defaults)) throw new ConfigError(`Configuration file ${defaults} is missing (set CONFIG_DIR)`);
  let tree: Tree = { nodeEnv, redis: {}, crypto: {}, oidc: {} };
  for (const file of [defaults, path.join(dir, `${nodeEnv}.yaml`), path.join(dir, 'local.yaml')]) {
    if (existsSync(file)) tree = mergeInto(tree, readYaml(file));
  }
  for (const [setting, variable] of Object.entries(ENV_VARIABLES)) {
    const value = env[variable];
    if (value !== undefined && value !== '') setPath(tree, setting, value);
  }
  const result = schema.safeParse(tree);
  if (!result.success) {
    const issue = result.error.issues[0];
    const setting = issue.path.join('.');
    const variable = ENV_VARIABLES[setting];
    // The variable when it set the value or when nothing did (a required setting is missing); the
    // setting's path when a file gave the bad value.
    const source = variable && (env[variable] || valueAt(tree, setting) === undefined) ? variable : setting;
    throw new ConfigError(`Invalid configuration: ${source} ${issue.message}`);
  }
  const config: AppConfig = { ...result.data, files: loadConfigFiles(dir) };
  config.database.dataDir = path.resolve(config.database.dataDir);
  return config;
}

/** The configuration with secrets masked, for the start-up log line. */
export function describeConfig(config: AppConfig): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  const walk = (node: Tree, prefix: string) => {
    for (const [key, value] of Object.entries(node)) {
      const dotted = prefix ? `${prefix}.${key}` : key;
      if (isTree(value)) walk(value, dotted);
      else flat[dotted] = SECRET_SETTINGS.has(dotted) && value !== undefined ? '[set]' : value;
    }
  };
  const { files: _files, ...settings } = config; // the data files are not settings: not logged
  walk(settings as unknown as Tree, '');
  return flat;
}
