/** The model as Cube reads it: model/shared/deployment.js served with the configured change-log schema. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../server/config.js';
import { DEPLOYMENT_FILE, ModelRepository } from '../../../server/cube/model-repository.js';

const MODEL = path.relative(process.cwd(), path.join(PROJECT_ROOT, 'model'));

describe('ModelRepository', () => {
  it('serves every model file, deployment.js with the configured schema instead of the default', async () => {
    const files = await new ModelRepository(MODEL, 'tenant_rollups_changes').dataSchemaFiles();
    const onDisk = await new ModelRepository(MODEL, 'x').dataSchemaFiles();
    expect(files.map((f) => f.fileName)).toEqual(onDisk.map((f) => f.fileName));
    expect(files.map((f) => f.fileName)).toContain('cubes/counted_items.js');
    const deployment = files.find((f) => f.fileName === DEPLOYMENT_FILE)!;
    expect(deployment.content).toContain(`export const CHANGE_LOG_SCHEMA = "tenant_rollups_changes";`);
    expect(fs.readFileSync(path.join(PROJECT_ROOT, 'model', DEPLOYMENT_FILE), 'utf8')).toContain(`'scu_pre_aggregations_changes'`);
    const sql = files.find((f) => f.fileName === 'cubes/counted_items.js')!;
    expect(sql.content).toBe(fs.readFileSync(path.join(PROJECT_ROOT, 'model/cubes/counted_items.js'), 'utf8'));
  });

  it('refuses a model without deployment.js (its refresh keys could not find the change log)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scu-model-'));
    fs.mkdirSync(path.join(dir, 'cubes'));
    fs.writeFileSync(path.join(dir, 'cubes', 'a.yml'), 'cubes: []\n');
    await expect(new ModelRepository(path.relative(process.cwd(), dir), 'x').dataSchemaFiles()).rejects.toThrow(/deployment\.js/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
