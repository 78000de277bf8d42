/**
 * Runs the policy pack (`policy/`) over an evaluated stack, as `pulumi preview --policy-pack policy` would:
 *
 *   const report = await checkStack(await evaluateStack("prod"));
 *   report.violations; // [] when the stack complies
 */

import { policies } from "../../policy/policies";
import type { Evaluation } from "../harness";
import { type PolicyReport, type RunOptions, runPolicies } from "./runner";

export { type EngineResource, engineView, mockId } from "./engineView";
export {
  type NotApplicable,
  type PolicyReport,
  type RunOptions,
  runPolicies,
  type Violation,
} from "./runner";

/** Runs every policy of the pack over the evaluation. */
export function checkStack(evaluation: Evaluation, options?: RunOptions): Promise<PolicyReport> {
  return runPolicies(policies, evaluation, options);
}
