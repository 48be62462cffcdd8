/**
 * Runs real Cube 1.7.43 without `@cubejs-backend/native` (its Rust module cannot be downloaded here).
 *
 * Stock Cube needs the native module at four places (docs/contract.md, "Cube where its native module is
 * missing"). This file replaces exactly those four, by subclassing Cube's own classes:
 *   1. the SQL API (Postgres wire): `JsApiGateway.createSQLServerInstance` gives a SQL server that
 *      refuses every call with a clear 400 instead of loading native at construction;
 *   2. the Jinja engine: `JsCompilerApi.createNativeInstance` gives an engine that only fails if a
 *      model file actually uses Jinja (plain YAML and JS models never call it);
 *   3. the SQL planner: the JS planner is selected by `CUBEJS_TESSERACT_SQL_PLANNER=false` (see
 *      `selectJsPlanner`, called before Cube reads its environment);
 *   4. result finalization: `JsApiGateway.load` finalizes `ResultWrapper` / `ResultMultiWrapper`
 *      results in TypeScript (`finalizeResult`, in finalize-result.ts), with the shape Cube's Rust
 *      transform produces (rust/cubeorchestrator query_result_transform.rs and transport.rs in Cube's source).
 *
 * Everything else (compiler, JS planner, orchestrator, drivers, REST and WebSocket transports,
 * checkAuth, queryRewrite, pre-aggregations) is Cube's own code, unchanged. The Cube version it was
 * written for is pinned in version.ts.
 */
import type * as ApiGatewayModule from '@cubejs-backend/api-gateway';
import type * as ServerCoreModule from '@cubejs-backend/server-core';
import { createRequire } from 'node:module';
import { finalizeResult } from './finalize-result.js';

const require = createRequire(import.meta.url);
// Cube's packages are CommonJS whose exports Node's ESM loader cannot list statically: require them.
const { ApiGateway, UserError } = require('@cubejs-backend/api-gateway') as typeof ApiGatewayModule;
const { CompilerApi, CubejsServerCore } = require('@cubejs-backend/server-core') as typeof ServerCoreModule;
type ApiGateway = ApiGatewayModule.ApiGateway;
type CompilerApi = ServerCoreModule.CompilerApi;
type CubejsServerCore = ServerCoreModule.CubejsServerCore;

/** Point 3: Cube's default planner (Tesseract) is native; the JS planner is chosen by this variable. */
export function selectJsPlanner(env: NodeJS.ProcessEnv = process.env): void {
  env.CUBEJS_TESSERACT_SQL_PLANNER = 'false';
  env.CUBEJS_TRANSPILATION_NATIVE = 'false';
}

// ---------------------------------------------------------------------------------------------
// Point 2: a Jinja engine that is only an error when a template is really used.

const JINJA_NEEDS_NATIVE =
  'Jinja templates and Python (globals.py) in the data model need @cubejs-backend/native, which this ' +
  'server runs without (JS mode). Write the model in plain YAML or JavaScript.';

class JinjaUnavailableEngine {
  loadTemplate(fileName: string): never {
    throw new Error(`${fileName}: ${JINJA_NEEDS_NATIVE}`);
  }

  renderTemplate(fileName: string): never {
    throw new Error(`${fileName}: ${JINJA_NEEDS_NATIVE}`);
  }
}

/** Stands where Cube expects its `NativeInstance` (the compiler only asks it for Jinja and Python). */
export class JsOnlyNativeInstance {
  newJinjaEngine(): JinjaUnavailableEngine {
    return new JinjaUnavailableEngine();
  }

  loadPythonContext(fileName: string): never {
    throw new Error(`${fileName}: ${JINJA_NEEDS_NATIVE}`);
  }
}

class JsCompilerApi extends CompilerApi {
  // Cube's declared return type is its NativeInstance; ours has the two methods the compiler calls.
  override createNativeInstance(): never {
    return new JsOnlyNativeInstance() as never;
  }
}

// ---------------------------------------------------------------------------------------------
// Point 1 and the wiring: the gateway, the core and the server.

const SQL_API_NEEDS_NATIVE =
  'The SQL API (Postgres wire protocol, /v1/cubesql, SQL-to-REST conversion) needs @cubejs-backend/native, ' +
  'which this server runs without (JS mode). Use the REST API: /cubejs-api/v1/load, /sql, /dry-run, /meta.';

/** Takes the SQL server's place: every entry point answers 400 with the reason. */
class SqlApiUnavailable {
  private refuse(): never {
    throw new UserError(SQL_API_NEEDS_NATIVE);
  }

  async init(): Promise<never> {
    throw new Error(SQL_API_NEEDS_NATIVE);
  }

  async execSql(): Promise<never> {
    return this.refuse();
  }

  async sql4sql(): Promise<never> {
    return this.refuse();
  }

  async rest4sql(): Promise<never> {
    return this.refuse();
  }

  getNativeGatewayPort(): never {
    throw new Error(SQL_API_NEEDS_NATIVE);
  }

  async close(): Promise<void> {}

  async shutdown(): Promise<void> {}
}

type LoadRequest = Parameters<ApiGateway['load']>[0];
type ResultFn = (message: unknown, extra?: { status: number }) => unknown;

class JsApiGateway extends ApiGateway {
  override createSQLServerInstance(): never {
    return new SqlApiUnavailable() as never;
  }

  /** Every data path (REST load, WebSocket subscribe, GraphQL) goes through here. */
  override async load(request: LoadRequest): Promise<void> {
    const send = request.res as unknown as ResultFn;
    const res: ResultFn = async (message, extra) => send(finalizeResult(message), extra);
    return super.load({ ...request, res: res as never });
  }
}

type GatewayArgs = Parameters<CubejsServerCore['createApiGatewayInstance']>;
type CompilerApiArgs = Parameters<CubejsServerCore['createCompilerApi']>;

export class JsCubejsServerCore extends CubejsServerCore {
  protected override createApiGatewayInstance(
    ...[apiSecret, getCompilerApi, getOrchestratorApi, logger, options]: GatewayArgs
  ): ApiGateway {
    return new JsApiGateway(apiSecret, getCompilerApi, getOrchestratorApi, logger, options);
  }

  override createCompilerApi(...[repository, options = {}]: CompilerApiArgs): CompilerApi {
    return new JsCompilerApi(
      repository,
      options.dbType || (this.options.dbType as never),
      (this as unknown as { createCompilerApiOptions(o: unknown): never }).createCompilerApiOptions(options),
    );
  }
}
