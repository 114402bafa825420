import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, describeConfig, loadConfig } from './app-config.js';

/** The project's own config/ folder (the defaults shipped with Windward). */
const PROJECT_CONFIG = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../config');

/** Only what a test passes: never the developer's environment. */
const load = (env: Record<string, string> = {}) => loadConfig({ CONFIG_DIR: PROJECT_CONFIG, ...env });

function refusal(env: Record<string, string>, configDir = PROJECT_CONFIG): ConfigError {
  try {
    loadConfig({ CONFIG_DIR: configDir, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  let tempDirs: string[] = [];
  const tempConfigDir = (files: Record<string, string>, withDefaults = true): string => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'windward-config-'));
    tempDirs.push(dir);
    if (withDefaults) for (const name of ['default.yaml', 'policies.yaml', 'exchange-rates.yaml']) copyFileSync(path.join(PROJECT_CONFIG, name), path.join(dir, name));
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    return dir;
  };
  afterEach(() => {
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
    tempDirs = [];
  });

  it('has working defaults: embedded database, PostgreSQL queue, no OIDC', () => {
    const config = load();
    expect(config.nodeEnv).toBe('development');
    expect(config.server).toEqual({ port: 4000, host: '0.0.0.0', shutdownTimeoutMs: 15000, trustedProxies: [] });
    expect(config.database.url).toBeUndefined();
    expect(config.database.dataDir).toBe(path.resolve('./data'));
    expect(path.isAbsolute(config.database.dataDir)).toBe(true);
    expect(config.database.poolSize).toBe(10);
    expect(config.redis.url).toBeUndefined();
    expect(config.redis.prefix).toBe('windward');
    expect(config.crypto.platformKeyPassphrase).toBeUndefined();
    expect(config.oidc).toEqual({ emailClaim: 'email', maxTokenAgeSeconds: 3600, clockSkewSeconds: 30 });
    expect(config.graphql).toEqual({ maxDepth: 12, maxComplexity: 10000, maxAliases: 30, maxRootFields: 20 });
    expect(config.webhooks).toEqual({ allowPrivateDestinations: false });
    expect(config.jobs).toEqual({ concurrency: 4, attempts: 5, workerHealthPort: 4001 });
    expect(config.log.level).toBe('info');
  });

  it('lets environment variables override every file, with the right types', () => {
    const config = load({
      NODE_ENV: 'test',
      PORT: '8081',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgres://windward:pw@db.internal:5432/windward',
      DATA_DIR: '/var/lib/windward',
      DATABASE_POOL_SIZE: '3',
      REDIS_URL: 'rediss://:pw@cache.internal:6380/0',
      REDIS_PREFIX: 'ww-staging',
      PLATFORM_KEY_PASSPHRASE: 'correct horse battery staple',
      OIDC_ISSUER: 'https://login.example.org/realms/windward',
      OIDC_AUDIENCE: 'windward',
      GRAPHQL_MAX_DEPTH: '8',
      GRAPHQL_MAX_COMPLEXITY: '500',
      JOB_CONCURRENCY: '2',
      JOB_ATTEMPTS: '9',
      WORKER_HEALTH_PORT: '4101',
      LOG_LEVEL: 'warn',
    });
    expect(config.nodeEnv).toBe('test');
    expect(config.server.port).toBe(8081);
    expect(config.server.host).toBe('127.0.0.1');
    expect(config.database).toEqual({ url: 'postgres://windward:pw@db.internal:5432/windward', dataDir: '/var/lib/windward', poolSize: 3, preparedStatements: 'on', credentialCache: 'on' });
    expect(config.redis).toEqual({ url: 'rediss://:pw@cache.internal:6380/0', prefix: 'ww-staging' });
    expect(config.crypto.platformKeyPassphrase).toBe('correct horse battery staple');
    expect(config.oidc).toMatchObject({ issuer: 'https://login.example.org/realms/windward', audience: 'windward' });
    expect(config.graphql).toEqual({ maxDepth: 8, maxComplexity: 500, maxAliases: 30, maxRootFields: 20 });
    expect(config.jobs).toEqual({ concurrency: 2, attempts: 9, workerHealthPort: 4101 });
    expect(config.log.level).toBe('warn');
  });

  it('treats an empty variable as unset', () => {
    const config = load({ PORT: '', DATABASE_URL: '' });
    expect(config.server.port).toBe(4000);
    expect(config.database.url).toBeUndefined();
  });

  it('reads <NODE_ENV>.yaml and local.yaml over default.yaml, and the environment over both', () => {
    const dir = tempConfigDir({ 'production.yaml': 'server:\n  port: 5000\nlog:\n  level: warn\n', 'local.yaml': 'server:\n  port: 5001\n' });
    const env = { CONFIG_DIR: dir, NODE_ENV: 'production', PLATFORM_KEY_PASSPHRASE: 'a long enough passphrase' };
    expect(loadConfig(env)).toMatchObject({ server: { port: 5001, host: '0.0.0.0' }, log: { level: 'warn' } });
    expect(loadConfig({ ...env, PORT: '5002' }).server.port).toBe(5002);
  });

  it('accepts NODE_ENV=production with a passphrase', () => {
    expect(load({ NODE_ENV: 'production', PLATFORM_KEY_PASSPHRASE: 'a long enough passphrase' }).nodeEnv).toBe('production');
  });

  it('accepts OIDC on plain http only for localhost', () => {
    expect(load({ OIDC_ISSUER: 'http://127.0.0.1:8080', OIDC_AUDIENCE: 'windward' }).oidc.issuer).toBe('http://127.0.0.1:8080');
    expect(load({ OIDC_ISSUER: 'http://localhost:8080/realms/x' }).oidc.issuer).toBe('http://localhost:8080/realms/x');
    expect(refusal({ OIDC_ISSUER: 'http://idp.example.org' }).message).toContain('OIDC_ISSUER');
    expect(refusal({ OIDC_ISSUER: 'http://localhost.evil.example' }).message).toContain('OIDC_ISSUER');
  });

  it.each([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '-1' }],
    ['PORT', { PORT: '80.5' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }],
    ['REDIS_URL', { REDIS_URL: 'http://x' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['GRAPHQL_MAX_DEPTH', { GRAPHQL_MAX_DEPTH: '1' }],
    ['GRAPHQL_MAX_COMPLEXITY', { GRAPHQL_MAX_COMPLEXITY: 'lots' }],
    ['NODE_ENV', { NODE_ENV: 'staging' }],
    ['DATABASE_POOL_SIZE', { DATABASE_POOL_SIZE: '0' }],
    ['JOB_CONCURRENCY', { JOB_CONCURRENCY: '1000' }],
    ['PLATFORM_KEY_PASSPHRASE', { PLATFORM_KEY_PASSPHRASE: 'short' }],
    ['PLATFORM_KEY_PASSPHRASE', { NODE_ENV: 'production' }],
    ['OIDC_ISSUER', { OIDC_AUDIENCE: 'windward' }],
  ])('refuses a bad %s with a one-line message naming it', (variable, env) => {
    const error = refusal(env);
    expect(error.message).toContain(variable);
    expect(error.message).not.toContain('\n');
    expect(error.message.length).toBeLessThan(300);
  });

  it('names the missing passphrase by its variable when NODE_ENV=production', () => {
    expect(refusal({ NODE_ENV: 'production' }).message).toMatch(/PLATFORM_KEY_PASSPHRASE.*required.*production/);
  });

  it('names the audience as the reason OIDC_ISSUER is needed', () => {
    expect(refusal({ OIDC_AUDIENCE: 'windward' }).message).toMatch(/OIDC_ISSUER.*OIDC_AUDIENCE/);
  });

  it('reads the trusted proxies as addresses and CIDR ranges, and refuses anything else', () => {
    expect(load({ TRUSTED_PROXIES: '10.0.0.1, 10.1.0.0/16,2001:db8::/32' }).server.trustedProxies).toEqual(['10.0.0.1', '10.1.0.0/16', '2001:db8::/32']);
    for (const bad of ['proxy.internal', '10.0.0.0/33', '10.0.0.1/8/8', '2001:db8::/129', 'true']) {
      expect(refusal({ TRUSTED_PROXIES: bad }).message).toMatch(/TRUSTED_PROXIES.*IP addresses or CIDR ranges/);
    }
  });

  it('does not repeat a bad secret value in its message', () => {
    const secret = 'Sup3rS3cretPw';
    expect(refusal({ DATABASE_URL: `mysql://admin:${secret}@db.internal/windward` }).message).not.toContain(secret);
    expect(refusal({ REDIS_URL: `http://:${secret}@cache.internal` }).message).not.toContain(secret);
    expect(refusal({ PLATFORM_KEY_PASSPHRASE: 'Sup3r' }).message).not.toContain('Sup3r');
  });

  it('refuses an invalid YAML file, naming the file, in one line', () => {
    const dir = tempConfigDir({ 'local.yaml': 'server:\n  port: [4000\n  host: "x\n' });
    const error = refusal({}, dir);
    expect(error.message).toContain(path.join(dir, 'local.yaml'));
    expect(error.message).not.toContain('\n');
  });

  it('refuses a YAML file that is not a mapping', () => {
    const dir = tempConfigDir({ 'local.yaml': '- just\n- a list\n' });
    expect(refusal({}, dir).message).toMatch(/local\.yaml.*mapping/);
  });

  it('names the setting when a bad value comes from a file', () => {
    const dir = tempConfigDir({ 'local.yaml': 'server:\n  port: abc\n' });
    expect(refusal({}, dir).message).toContain('server.port');
  });

  it('refuses a CONFIG_DIR without default.yaml', () => {
    const dir = tempConfigDir({}, false);
    expect(refusal({}, dir).message).toMatch(/default\.yaml.*missing/);
  });

  it('loads the policies and the exchange rates with the settings', () => {
    const { files } = load();
    expect(files.policies.rules.length).toBeGreaterThan(0);
    expect(files.exchangeRates.perUsd.USD).toBe(1);
  });

  it.each([
    ['policies.yaml', 'rules:\n  - action: read\n    subject: Nothing\n', /policies\.yaml: rules\.0\.subject/],
    ['policies.yaml', 'rules:\n  - action: read\n    subject: Seizure\n    fields: noSuchGroup\n', /policies\.yaml: rules\.0\.fields names an unknown field group/],
    ['policies.yaml', 'rules: [\n', /policies\.yaml: /],
    ['exchange-rates.yaml', 'perUsd:\n  USD: 1\n  JMD: -157\n', /exchange-rates\.yaml: perUsd\.JMD/],
    ['exchange-rates.yaml', 'perUsd:\n  dollars: 1\n', /exchange-rates\.yaml: perUsd\.dollars/],
    ['exchange-rates.yaml', 'asOf: 2026-11-01\n', /exchange-rates\.yaml: perUsd/],
  ])('refuses a broken %s at load, in one line naming the file and the entry', (file, text, expected) => {
    const dir = tempConfigDir({ [file]: text });
    const error = refusal({}, dir);
    expect(error.message).toMatch(expected);
    expect(error.message).toContain(path.join(dir, file));
    expect(error.message).not.toContain('\n');
  });

  it.each(['policies.yaml', 'exchange-rates.yaml'])('refuses a CONFIG_DIR without %s', (file) => {
    const dir = tempConfigDir({});
    rmSync(path.join(dir, file));
    expect(refusal({}, dir).message).toBe(`Invalid configuration file ${path.join(dir, file)}: the file is missing`);
  });
});

describe('describeConfig', () => {
  it('masks the passphrase and the connection URLs, and shows everything else', () => {
    const secrets = ['hunter2-db-password', 'redis-pw-0xCAFE', 'the platform key passphrase'];
    const config = load({
      DATABASE_URL: `postgres://windward:${secrets[0]}@db.internal:5432/windward`,
      REDIS_URL: `redis://:${secrets[1]}@cache.internal:6379`,
      PLATFORM_KEY_PASSPHRASE: secrets[2],
      PORT: '4100',
    });
    const described = describeConfig(config);
    const text = JSON.stringify(described);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toContain('db.internal');
    expect(text).not.toContain('cache.internal');
    expect(described).toMatchObject({
      'database.url': '[set]',
      'redis.url': '[set]',
      'crypto.platformKeyPassphrase': '[set]',
      'server.port': 4100,
      'graphql.maxDepth': 12,
    });
  });

  it('says which secrets are unset without inventing values', () => {
    const described = describeConfig(load());
    expect(described['crypto.platformKeyPassphrase']).toBeUndefined();
    expect(described['database.url']).toBeUndefined();
    expect(described['server.port']).toBe(4000);
  });
});
