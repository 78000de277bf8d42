/**
 * The composition root: reads the stack's typed config once, creates the components, exports what an operator
 * needs. `pulumi up` runs this for the selected stack; the tests and the offline plan evaluate it under mocks.
 */
import { loadStackConfig } from "./stacks/config";

const config = loadStackConfig();

/** The stack this program was evaluated for. */
export const stackName = config.stack;
/** The AWS region of every resource. */
export const region = config.region;
