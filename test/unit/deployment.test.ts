/**
 * docker-compose.yml and the Dockerfile, checked by parsing them (no Docker engine on these machines):
 * the files they mount exist, the server's environment passes the server's own config validation,
 * and the commands they run are the project's.
 */
import yaml from 'js-yaml';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, readConfig } from '../../server/config.js';

interface Service {
  build?: string;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
}
const compose = yaml.load(fs.readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
};
const dockerfile = fs.readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8');

/** Compose's `${VAR:-default}` / `${VAR:?message}` substitution, with VAR unset except `given`. */
function substitute(value: string, given: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_m, name: string, kind?: string, rest?: string) => {
    if (given[name] !== undefined) return given[name]!;
    if (kind === '-') return rest ?? '';
    throw new Error(`compose would refuse to start: ${name} unset (${rest})`);
  });
}

describe('docker-compose.yml', () => {
  it('has the database, the seed job and the server, started in that order', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['mysql', 'seed', 'server']);
    expect(compose.services.server!.depends_on).toEqual({
      mysql: { condition: 'service_healthy' },
      seed: { condition: 'service_completed_successfully' },
    });
    expect(compose.services.seed!.depends_on).toEqual({ mysql: { condition: 'service_healthy' } });
  });

  it('mounts only files that exist in the repository', () => {
    const mounts = compose.services.mysql!.volumes!.filter((v) => v.startsWith('./'));
    expect(mounts.length).toBeGreaterThan(0);
    for (const mount of mounts) expect(fs.existsSync(path.join(PROJECT_ROOT, mount.split(':')[0]!)), mount).toBe(true);
  });

  it('seeds with the project seeder script', () => {
    const command = compose.services.seed!.command!;
    const script = command.find((c) => c.endsWith('.ts'))!;
    expect(fs.existsSync(path.join(PROJECT_ROOT, script))).toBe(true);
    expect(command).toContain('--target');
    expect(command[command.indexOf('--target') + 1]).toBe('mysql');
  });

  it("gives the server an environment the server's own validation accepts", () => {
    const env = Object.fromEntries(
      Object.entries(compose.services.server!.environment!).map(([k, v]) => [k, substitute(v, { CUBEJS_API_SECRET: 'x'.repeat(48) })]),
    );
    const config = readConfig(env);
    expect(config.database).toMatchObject({ type: 'mysql', host: 'mysql', database: 'practice', user: 'scu_plugin' });
    expect(config.preAggregationsSchema).toBe('scu_pre_aggregations');
    expect(compose.services.server!.ports).toEqual([`${config.port}:${config.port}`]);
  });

  it('refuses to start the server without a secret', () => {
    const secret = compose.services.server!.environment!.CUBEJS_API_SECRET!;
    expect(() => substitute(secret, {})).toThrow(/CUBEJS_API_SECRET unset/);
  });

  it("the plugin user's pre-aggregation schema is the server's", () => {
    expect(compose.services.mysql!.environment!.SCU_PRE_AGGREGATIONS_SCHEMA).toBe(
      compose.services.server!.environment!.CUBEJS_PRE_AGGREGATIONS_SCHEMA,
    );
  });
});

describe('Dockerfile', () => {
  it('skips the Cube Store download, builds the dashboard and starts the same entry as npm start', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(dockerfile).toMatch(/ENV CUBESTORE_SKIP_POST_INSTALL=true/);
    expect(dockerfile).toMatch(/RUN npm run build/);
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
    expect(cmd.join(' ')).toBe(pkg.scripts.start);
  });
});
