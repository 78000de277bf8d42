/**
 * The contract between the service and the infrastructure that runs it: the one place where `components/` and
 * `service/` meet. The infrastructure imports this module and nothing else of the service; the service never
 * imports the infrastructure (tests/imports.test.ts holds both sides to it). Plain Node, no dependencies, so
 * either side can load it as it is.
 */
export {
  type ContentScan,
  DEFAULT_MAX_DOCUMENT_BYTES,
  type SeedDocument,
  scanContentFolder,
} from "./contentFolder";
export { type Rule, VARIABLES, type Variable, type VariableName } from "./environment";
export { CONTAINER_USER, HEALTH_PATH, HEALTHCHECK_COMMAND, READY_PATH } from "./image";
export { KEY_PATTERN, keyProblem, MAX_KEY_LENGTH } from "./keys";
