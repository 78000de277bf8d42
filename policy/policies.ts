/**
 * The policies of the pack, as a plain array. Tests and the offline plan import this file; only `index.ts`
 * constructs the `PolicyPack` (which starts a gRPC server and never returns).
 */
import type { Policies } from "@pulumi/policy";
import { computePolicies } from "./compute";
import { containerPolicies } from "./containers";
import { iamPolicies } from "./iam";
import { loadBalancingPolicies } from "./loadBalancing";
import { networkPolicies } from "./network";
import { observabilityPolicies } from "./observability";
import { storagePolicies } from "./storage";
import { taggingPolicies } from "./tagging";

/** The pack's name, as `pulumi preview --policy-pack` reports it. */
export const POLICY_PACK_NAME = "ecs-json-api";

/** Every policy of the pack. */
export const policies: Policies = [
  ...networkPolicies,
  ...computePolicies,
  ...loadBalancingPolicies,
  ...containerPolicies,
  ...storagePolicies,
  ...iamPolicies,
  ...observabilityPolicies,
  ...taggingPolicies,
];

export { EXCEPTIONS, exceptionsMarkdown, type PolicyException } from "./exceptions";
