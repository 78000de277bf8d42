/**
 * The policy pack's entry point: `pulumi preview --policy-pack policy`. Constructing a PolicyPack starts the
 * analyzer's gRPC server and keeps the process alive, so nothing but the Pulumi CLI should import this file;
 * tests and tools import `./policies`.
 */
import { PolicyPack } from "@pulumi/policy";
import { exceptionsMarkdown, POLICY_PACK_NAME, policies } from "./policies";

new PolicyPack(POLICY_PACK_NAME, {
  policies,
  enforcementLevel: "mandatory",
  description: "Security and reliability rules for the ecs-json-api stacks (ECS on EC2 behind an ALB).",
  provider: "aws",
  readme: `Each policy's tags name the public controls it implements.\n\nDocumented exceptions:\n\n${exceptionsMarkdown()}\n`,
});
