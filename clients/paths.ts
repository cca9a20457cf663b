import { fileURLToPath } from 'node:url';

/** Project-local paths, resolved from this file so they work from any working directory. */
export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const TOOLS_BIN = `${ROOT}.tools/bin`;
export const TEMPORAL_CLI = `${TOOLS_BIN}/temporal`;
export const TEMPORAL_TEST_SERVER = `${TOOLS_BIN}/temporal-test-server`;
export const MINIO = `${TOOLS_BIN}/minio`;
export const WORKFLOW_BUNDLE = `${ROOT}dist/workflow-bundle.js`;
export const WORKFLOWS_PATH = `${ROOT}workflows/index.ts`;
/** Loaded once per worker into the workflows' shared context (workflows/workerShared.ts says why). */
export const WORKFLOW_PRELOAD = `${ROOT}workflows/workerShared.ts`;
