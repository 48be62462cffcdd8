/**
 * The data model as Cube reads it: the files under model/, with one file written at start-up.
 *
 * `model/shared/deployment.js` holds what the model must know of this deployment and cannot read itself
 * (Cube runs model files in a sandbox without `process.env`): the schema where the change tracker keeps
 * the log that every partition's refresh key reads (server/refresh/). The file on
 * disk carries the default, so the model also compiles on its own; the server serves it with the
 * configured value through Cube's documented `repositoryFactory` option.
 */
import { FileRepository, type FileContent } from '@cubejs-backend/shared';

export const DEPLOYMENT_FILE = 'shared/deployment.js';

export function deploymentModule(changeLogSchema: string): string {
  return `// Written by the server at start-up (server/cube/model-repository.ts).\nexport const CHANGE_LOG_SCHEMA = ${JSON.stringify(changeLogSchema)};\n`;
}

export class ModelRepository extends FileRepository {
  constructor(
    modelDir: string,
    private readonly changeLogSchema: string,
  ) {
    super(modelDir);
  }

  override async dataSchemaFiles(includeDependencies?: boolean): Promise<FileContent[]> {
    const files = await super.dataSchemaFiles(includeDependencies);
    const deployment = deploymentModule(this.changeLogSchema);
    if (!files.some((f) => f.fileName === DEPLOYMENT_FILE)) {
      throw new Error(`the model has no ${DEPLOYMENT_FILE}: its refresh keys cannot find the change log`);
    }
    return files.map((f) => (f.fileName === DEPLOYMENT_FILE ? { ...f, content: deployment } : f));
  }
}
