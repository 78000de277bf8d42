/**
 * A small IAM policy evaluator, so tests can ask "would AWS allow this request?" of the documents this project
 * writes, instead of asserting the documents' text. It models what those documents use (Allow/Deny,
 * Action/NotAction, Resource/NotResource, Principal, the condition operators in conditions.ts, identity-based
 * policies, a permissions boundary and one resource-based policy) with AWS's documented semantics, and throws
 * on anything else. See each file for the AWS documentation it follows.
 */

export {
  AWS_MANAGED_POLICIES,
  type AwsManagedPolicy,
  type AwsManagedPolicyName,
  awsManagedPolicyArn,
  awsManagedPolicyByArn,
} from "./awsManagedPolicies";
export { type ContextValue, conditionHolds, type RequestContext } from "./conditions";
export { type Gap, gapsOutsideBoundary, representative, satisfyingContext } from "./coverage";
export {
  type AccessRequest,
  type ApplicablePolicies,
  arnAccount,
  authorize,
  type Decision,
  type RequestPrincipal,
} from "./evaluate";
export { actionMatches, arnLike, resourceMatches, stringLike } from "./match";
export { type Policy, type PolicyInput, parsePolicy, type Statement } from "./policy";
