// What the model must know of the deployment and cannot read itself (Cube runs model files without
// process.env). The server serves this file with its configured values (server/cube/model-repository.ts);
// this copy holds the defaults, so the model also compiles on its own.
export const CHANGE_LOG_SCHEMA = 'scu_pre_aggregations_changes';
