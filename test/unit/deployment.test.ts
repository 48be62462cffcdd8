/**
 * docker-compose.yml, the proxy's nginx config, the MySQL init script and the Dockerfile, checked by
 * parsing them (no Docker engine on these machines): the topology of docs/deployment.md (one refresh
 * worker, two api instances behind the proxy), every app service's environment through the server's
 * own configuration (server/config.ts) with the secrets of the committed example env file, health
 * checks on the port each service listens on, shutdown time, the plugin user's grants, and no secret
 * in the compose file itself.
 */
import yaml from 'js-yaml';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, readConfig, type ServerConfig } from '../../server/config.js';

interface Service {
  build?: string;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
}
const read = (file: string) => fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
const composeText = read('docker-compose.yml');
const compose = yaml.load(composeText) as { services: Record<string, Service> };
const services = compose.services;
const dockerfile = read('Dockerfile');
const nginxConf = read('server/deploy/nginx-proxy.conf');
const initScript = read('server/db/docker-init-plugin-user.sh');
const ENV_EXAMPLE = 'server/deploy/compose.env.example';
/** The git-ignored file the example is copied to (the compose file's header says so). */
const ENV_FILE = '.env.deploy';

/** KEY=value lines of an env file; comments and blank lines skipped. */
function parseEnvFile(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const eq = line.indexOf('=');
      return [line.slice(0, eq), line.slice(eq + 1)] as const;
    });
  return Object.fromEntries(entries);
}
const exampleSecrets = parseEnvFile(read(ENV_EXAMPLE));

/** Compose's `${VAR:-default}` / `${VAR:?message}` substitution, with VAR unset except `given`. */
function substitute(value: string, given: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_m, name: string, kind?: string, rest?: string) => {
    if (given[name] !== undefined && given[name] !== '') return given[name]!;
    if (kind === '-') return rest ?? '';
    throw new Error(`compose would refuse to start: ${name} unset (${rest})`);
  });
}
const environmentOf = (name: string, given: Record<string, string> = exampleSecrets): Record<string, string> =>
  Object.fromEntries(Object.entries(services[name]!.environment ?? {}).map(([k, v]) => [k, substitute(String(v), given)]));

/** The services that run this project's server (the image built from the Dockerfile), not the seed job. */
const appServices = Object.keys(services).filter((name) => services[name]!.build === '.' && name !== 'seed');
const byRole = (role: string) => appServices.filter((name) => services[name]!.environment?.SCU_ROLE === role);
const configOf = (name: string): ServerConfig => readConfig(environmentOf(name));

/** Compose durations as used here: `20s`, `1m`, `1m30s`. */
function seconds(duration: string | undefined): number {
  const m = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration ?? '');
  if (!m || duration === '') throw new Error(`not a duration: ${duration}`);
  return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0);
}

/** The URL a healthcheck fetches: host, port and path. */
function healthUrl(service: Service): { port: number; path: string } {
  const command = service.healthcheck!.test.join(' ');
  const m = /http:\/\/127\.0\.0\.1:(\d+)(\/[\w/]*)/.exec(command);
  if (!m) throw new Error(`no http://127.0.0.1:<port>/… in ${command}`);
  return { port: Number(m[1]), path: m[2]! };
}

describe('docker-compose.yml: the topology', () => {
  it('has the database, the seed job, exactly one refresh worker, two api instances and the proxy', () => {
    expect(Object.keys(services).sort()).toEqual(['api-1', 'api-2', 'mysql', 'proxy', 'refresh', 'seed']);
    expect(byRole('refresh')).toEqual(['refresh']);
    expect(byRole('api').sort()).toEqual(['api-1', 'api-2']);
    // No app service left to the default role `all`, which would serve and build at once.
    expect(appServices.sort()).toEqual([...byRole('api'), ...byRole('refresh')].sort());
  });

  it("every app service's environment passes the server's validation and yields its role", () => {
    for (const name of appServices) {
      const config = configOf(name);
      expect(config.role, name).toBe(services[name]!.environment!.SCU_ROLE);
      expect(config.database, name).toMatchObject({ type: 'mysql', host: 'mysql', database: 'practice', user: 'scu_plugin' });
    }
  });

  it('the refresh worker and the api instances share the database, the user, its password, the schema and the secret', () => {
    const shared = (config: ServerConfig) => ({
      database: config.database,
      preAggregationsSchema: config.preAggregationsSchema,
      changeLogSchema: config.changeLogSchema,
      apiSecret: config.apiSecret,
      port: config.port,
    });
    const [first, ...rest] = appServices.map(configOf);
    for (const config of rest) expect(shared(config)).toEqual(shared(first!));
    expect(first!.apiSecret).toBe(exampleSecrets.CUBEJS_API_SECRET);
    // The plugin user's password (set by the init script), never root's.
    expect(first!.database).toMatchObject({ password: exampleSecrets.SCU_DB_PASS });
    expect(exampleSecrets.SCU_DB_PASS).not.toBe(exampleSecrets.MYSQL_ROOT_PASSWORD);
  });

  it('starts in order: seed after MySQL, the worker after the seed, the api instances after the worker, the proxy after both', () => {
    const healthy = { condition: 'service_healthy' };
    const seeded = { condition: 'service_completed_successfully' };
    expect(services.seed!.depends_on).toEqual({ mysql: healthy });
    expect(services.refresh!.depends_on).toEqual({ mysql: healthy, seed: seeded });
    for (const name of byRole('api')) expect(services[name]!.depends_on, name).toEqual({ mysql: healthy, seed: seeded, refresh: healthy });
    expect(services.proxy!.depends_on).toEqual(Object.fromEntries(byRole('api').map((name) => [name, healthy])));
  });

  it('only the proxy publishes a port', () => {
    for (const name of Object.keys(services).filter((n) => n !== 'proxy')) expect(services[name]!.ports, name).toBeUndefined();
    expect(services.proxy!.ports).toHaveLength(1);
  });

  it("gives each app service and the proxy at least 20 s to stop, and each app service more than the server's own deadline", () => {
    // server/main.ts exits 0 by itself at drain + 2 × GRACE_MS + 5 s after SIGTERM; Docker kills at the grace period.
    const main = read('server/main.ts');
    expect(main).toContain('drainSeconds * 1000 + 2 * GRACE_MS + 5_000');
    const graceMs = Number(/const GRACE_MS = ([\d_]+);/.exec(main)![1]!.replaceAll('_', ''));
    for (const name of appServices) {
      const grace = seconds(services[name]!.stop_grace_period);
      expect(grace, name).toBeGreaterThanOrEqual(20);
      expect(grace, name).toBeGreaterThan(configOf(name).shutdownDrainSeconds + (2 * graceMs) / 1000 + 5);
    }
    expect(seconds(services.proxy!.stop_grace_period)).toBeGreaterThanOrEqual(20);
  });

  it('mounts only files that exist in the repository', () => {
    const mounts = Object.values(services).flatMap((s) => (s.volumes ?? []).filter((v) => v.startsWith('./')));
    expect(mounts.length).toBeGreaterThanOrEqual(3);
    for (const mount of mounts) expect(fs.existsSync(path.join(PROJECT_ROOT, mount.split(':')[0]!)), mount).toBe(true);
  });

  it('seeds once with the project seeder, as root of the same database', () => {
    const command = services.seed!.command!;
    const script = command.find((c) => c.endsWith('.ts'))!;
    expect(script).toBe('server/deploy/seed-once.ts');
    expect(fs.existsSync(path.join(PROJECT_ROOT, script))).toBe(true);
    const seeder = /'(server\/db\/seed\/cli\.ts)'/.exec(read(script))![1]!;
    expect(fs.existsSync(path.join(PROJECT_ROOT, seeder))).toBe(true);
    expect(command[command.indexOf('--target') + 1]).toBe('mysql');
    const env = environmentOf('seed');
    expect(env).toMatchObject({ CUBEJS_DB_HOST: 'mysql', CUBEJS_DB_USER: 'root', CUBEJS_DB_PASS: exampleSecrets.MYSQL_ROOT_PASSWORD });
    expect(env.CUBEJS_DB_NAME).toBe(services.mysql!.environment!.MYSQL_DATABASE);
  });
});

describe('docker-compose.yml: health checks on /readyz', () => {
  it("each app service's check fetches /readyz on the port the server listens on, with a tool its image has", () => {
    expect(dockerfile).toMatch(/^FROM node:/m);
    for (const name of appServices) {
      expect(healthUrl(services[name]!), name).toEqual({ port: configOf(name).port, path: '/readyz' });
      // The node image has no curl or wget: Node's own fetch.
      expect(services[name]!.healthcheck!.test.slice(0, 2), name).toEqual(['CMD', 'node']);
    }
  });

  it("the proxy's check fetches /readyz on the port nginx listens on, with the image's busybox wget", () => {
    const listen = Number(/^\s*listen\s+(\d+);/m.exec(nginxConf)![1]);
    expect(healthUrl(services.proxy!)).toEqual({ port: listen, path: '/readyz' });
    expect(services.proxy!.image).toMatch(/^nginx:1\.2[7-9]\S*-alpine$/);
    expect(services.proxy!.healthcheck!.test.slice(0, 2)).toEqual(['CMD', 'wget']);
    expect(services.proxy!.ports).toEqual([`4000:${listen}`]);
  });
});

describe('the proxy (server/deploy/nginx-proxy.conf)', () => {
  const upstream = /upstream\s+(\w+)\s*\{([^}]*)\}/.exec(nginxConf)!;
  const servers = [...upstream[2]!.matchAll(/^\s*server\s+([\w.-]+):(\d+)([^;]*);/gm)];

  it('is the file the proxy service mounts as its server config', () => {
    expect(services.proxy!.volumes).toContain('./server/deploy/nginx-proxy.conf:/etc/nginx/conf.d/default.conf:ro');
  });

  it('balances over exactly the api instances, on the port each listens on', () => {
    expect(servers.map((s) => `${s[1]}:${s[2]}`).sort()).toEqual(byRole('api').map((name) => `${name}:${configOf(name).port}`));
    expect(nginxConf).toMatch(new RegExp(`proxy_pass http://${upstream[1]};`));
    // Round-robin: no other balancing method named in the upstream.
    expect(upstream[2]).not.toMatch(/^\s*(least_conn|ip_hash|hash|random)\b/m);
  });

  it('leaves out an instance that fails (passive checks) and retries the next one on an error, a timeout or a 503', () => {
    for (const server of servers) expect(server[3], server[0]).toMatch(/max_fails=\d+ fail_timeout=\d+s/);
    const retry = /proxy_next_upstream\s+([^;]+);/.exec(nginxConf)![1]!.split(/\s+/);
    expect(retry).toEqual(expect.arrayContaining(['error', 'timeout', 'http_503']));
    expect(retry).not.toContain('non_idempotent');
  });

  it('passes the WebSocket upgrade through', () => {
    expect(nginxConf).toMatch(/proxy_http_version 1\.1;/);
    expect(nginxConf).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    const connection = /proxy_set_header Connection \$(\w+);/.exec(nginxConf)![1]!;
    expect(nginxConf).toMatch(new RegExp(`map \\$http_upgrade \\$${connection} \\{\\s*default upgrade;`));
  });

  it('waits longer for an answer than a query may run', () => {
    const readTimeout = seconds(/proxy_read_timeout (\w+);/.exec(nginxConf)![1]);
    for (const name of byRole('api')) expect(readTimeout).toBeGreaterThan(configOf(name).queryTimeoutSeconds);
  });
});

describe('the plugin database user (server/db/docker-init-plugin-user.sh)', () => {
  const grants = [...initScript.matchAll(/GRANT\s+([\s\S]+?)\s+ON\s+(\S+)\s+TO\s+'(\w+)'@'%'([^;]*);/g)].map((m) => ({
    privileges: m[1]!.split(',').map((p) => p.trim()),
    target: m[2]!,
    user: m[3]!,
    rest: m[4]!,
  }));
  const mysqlEnv = () => services.mysql!.environment!;

  it("is the user the app services connect as, with the app services' database and schema", () => {
    const config = configOf('refresh');
    expect(initScript).toMatch(new RegExp(`CREATE USER IF NOT EXISTS '${(config.database as { user: string }).user}'@'%'`));
    expect(new Set(grants.map((g) => g.user))).toEqual(new Set([(config.database as { user: string }).user]));
    expect(mysqlEnv().MYSQL_DATABASE).toBe((config.database as { database: string }).database);
    expect(mysqlEnv().SCU_PRE_AGGREGATIONS_SCHEMA).toBe(config.preAggregationsSchema);
    // The init script reads the plugin password from the same variable the app services get.
    expect(mysqlEnv().SCU_DB_PASS).toBe(services.refresh!.environment!.CUBEJS_DB_PASS);
  });

  it('may only SELECT on the host database, and writes only its own two schemas', () => {
    expect(grants.length).toBeGreaterThan(0);
    const host = grants.filter((g) => g.target === '\\`${MYSQL_DATABASE}\\`.*');
    expect(host).toHaveLength(1);
    expect(host[0]!.privileges).toEqual(['SELECT']);
    const others = grants.filter((g) => !host.includes(g)).map((g) => g.target);
    expect(others.sort()).toEqual(['\\`${SCU_PRE_AGGREGATIONS_SCHEMA}\\`.*', '\\`${SCU_PRE_AGGREGATIONS_SCHEMA}_changes\\`.*']);
    // The schema names the server uses: `<schema>` and `<schema>_changes` (server/config.ts).
    const config = configOf('refresh');
    expect(config.changeLogSchema).toBe(`${config.preAggregationsSchema}_changes`);
    for (const grant of grants) {
      expect(grant.privileges, grant.target).not.toContain('ALL');
      expect(grant.privileges, grant.target).not.toContain('ALL PRIVILEGES');
      expect(grant.rest, grant.target).not.toMatch(/GRANT OPTION/i);
    }
    expect(initScript).not.toMatch(/ON\s+\*\.\*/);
  });
});

describe('secrets', () => {
  const secretEntries = Object.entries(services).flatMap(([name, s]) =>
    Object.entries(s.environment ?? {})
      .filter(([key]) => /SECRET|PASS|PASSWORD|TOKEN|KEY/.test(key))
      .map(([key, value]) => ({ name, key, value: String(value) })),
  );

  it('come only from the env file: every secret variable in compose is a required reference, without a default', () => {
    expect(secretEntries.length).toBeGreaterThanOrEqual(6);
    for (const { name, key, value } of secretEntries) {
      const m = /^\$\{(\w+):\?[^}]+\}$/.exec(value);
      expect(m, `${name}.${key}`).not.toBeNull();
      expect(Object.keys(exampleSecrets), `${name}.${key}`).toContain(m![1]);
    }
    for (const value of Object.values(exampleSecrets)) expect(composeText).not.toContain(value);
  });

  it('compose refuses to start without them', () => {
    for (const name of ['mysql', 'seed', ...appServices]) expect(() => environmentOf(name, {}), name).toThrow(/unset/);
    for (const secret of ['CUBEJS_API_SECRET', 'MYSQL_ROOT_PASSWORD', 'SCU_DB_PASS']) {
      const without = { ...exampleSecrets, [secret]: '' };
      expect(() => ['mysql', 'seed', ...appServices].map((name) => environmentOf(name, without)), secret).toThrow(
        new RegExp(`${secret} unset`),
      );
    }
  });

  it('the example holds placeholders only, and the real file is kept out of git and out of the image', () => {
    expect(Object.keys(exampleSecrets).sort()).toEqual(['CUBEJS_API_SECRET', 'MYSQL_ROOT_PASSWORD', 'SCU_DB_PASS']);
    for (const value of Object.values(exampleSecrets)) expect(value).toMatch(/^change-me-/);
    expect(composeText).toContain(`--env-file ${ENV_FILE}`);
    expect(read(ENV_EXAMPLE)).toContain(`to ${ENV_FILE}`);
    // Exits 0 only when git ignores the path.
    expect(() => execFileSync('git', ['check-ignore', '-q', ENV_FILE], { cwd: PROJECT_ROOT })).not.toThrow();
    const dockerignore = read('.dockerignore').split('\n');
    expect(dockerignore).toContain(ENV_FILE);
  });
});

describe('Dockerfile', () => {
  it('skips the Cube Store download, builds the dashboard and starts the same entry as npm start', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(dockerfile).toMatch(/ENV CUBESTORE_SKIP_POST_INSTALL=true/);
    expect(dockerfile).toMatch(/RUN npm run build/);
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
    expect(cmd.join(' ')).toBe(pkg.scripts.start);
  });

  it('keeps the build context free of secrets and local data', () => {
    const dockerignore = read('.dockerignore').split('\n');
    for (const entry of ['.env', ENV_FILE, '.data', 'node_modules']) expect(dockerignore).toContain(entry);
  });
});
