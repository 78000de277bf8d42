/**
 * bootstrap/boundary.ts: the workload permissions boundary leaves every program role whole (both committed
 * stacks, evaluated through the harness, and every AWS managed policy the program may attach) and grants
 * nothing beyond: no IAM, no STS, no organizations, never the Pulumi state.
 */
import * as assert from "node:assert/strict";
import type * as aws from "@pulumi/aws";
import { WorkloadBoundary, workloadBoundaryPolicy } from "../bootstrap/boundary";
import { ATTACHABLE_MANAGED_POLICIES } from "../bootstrap/deployPolicy";
import {
  CI_IAM_PATH,
  IAM_PATH,
  managedPolicyArn,
  permissionsBoundaryArn,
  permissionsBoundaryName,
} from "../components/iam";
import { ACCOUNT_ID, evaluateStack, runUnderMocks } from "../lib/harness";
import { authorize, awsManagedPolicyByArn, gapsOutsideBoundary, parsePolicy } from "../lib/iam";

const STATE_BUCKET = "arn:aws:s3:::ecs-json-api-state-1a2b3c";
const STATE_KEY = `arn:aws:kms:eu-west-1:${ACCOUNT_ID}:key/0000`;
const boundary = workloadBoundaryPolicy({
  partition: "aws",
  accountId: ACCOUNT_ID,
  stateBucketArn: STATE_BUCKET,
  stateKeyArn: STATE_KEY,
  project: "ecs-json-api",
});
const WORKLOAD = `arn:aws:iam::${ACCOUNT_ID}:role${IAM_PATH}api-test-svc-task-role`;

/**
 * Grants of attached managed policies the boundary narrows on purpose: the managed policy allows them on every
 * resource, the boundary on some. AmazonSSMManagedInstanceCore reads any parameter; a workload may read AWS's
 * public parameters and its own project's only.
 */
const NARROWED: Record<string, { action: string; resource: string }[]> = {
  AmazonSSMManagedInstanceCore: [
    { action: "ssm:GetParameter", resource: "*" },
    { action: "ssm:GetParameters", resource: "*" },
  ],
};
/** What of a managed policy falls outside the boundary, less what it narrows on purpose. */
const unintendedGaps = (name: string, gaps: { action: string; resource: string }[]) =>
  gaps.filter((g) => !(NARROWED[name] ?? []).some((n) => n.action === g.action && n.resource === g.resource));

describe("workload permissions boundary", () => {
  for (const stack of ["test", "prod"]) {
    it(`leaves every role of the ${stack} stack its inline policies and attached managed policies`, async () => {
      const evaluation = await evaluateStack(stack);
      const roles = evaluation.resourcesOfType("aws:iam/role:Role");
      assert.ok(roles.length >= 4, "the stack has its task, execution, instance and flow log roles");
      for (const role of roles) {
        assert.equal(role.inputs.path, IAM_PATH, `${role.name} lives under the program's path`);
        const arn = `arn:aws:iam::${ACCOUNT_ID}:role${IAM_PATH}${role.state.name}`;
        // A policy names its role by the role's name or id (the mock cloud's id is `<logical name>-id`).
        const ownedBy = (r: { inputs: Record<string, any> }) =>
          [role.state.name, `${role.name}-id`].includes(r.inputs.role);
        const inline = evaluation.resourcesOfType("aws:iam/rolePolicy:RolePolicy").filter(ownedBy);
        const attached = evaluation
          .resourcesOfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
          .filter(ownedBy);
        assert.ok(inline.length + attached.length > 0, `${role.name} has permissions`);
        for (const policy of inline) {
          assert.deepEqual(
            gapsOutsideBoundary(JSON.parse(policy.inputs.policy), boundary, arn),
            [],
            policy.name,
          );
        }
        for (const attachment of attached) {
          const managed = awsManagedPolicyByArn(attachment.inputs.policyArn);
          assert.ok(managed, `${attachment.inputs.policyArn} is in lib/iam/awsManagedPolicies.ts`);
          assert.ok(
            ATTACHABLE_MANAGED_POLICIES.includes(`${managed.path}${managed.name}`),
            `deploy roles may attach ${managed.name}`,
          );
          assert.deepEqual(
            unintendedGaps(managed.name, gapsOutsideBoundary(managed.document, boundary, arn)),
            [],
            managed.name,
          );
        }
      }
    });
  }

  for (const name of ATTACHABLE_MANAGED_POLICIES) {
    it(`leaves ${name} whole, but for what it narrows on purpose`, () => {
      const managed = awsManagedPolicyByArn(managedPolicyArn("aws", name));
      assert.ok(managed, `${name} is in lib/iam/awsManagedPolicies.ts`);
      const gaps = gapsOutsideBoundary(managed.document, boundary, WORKLOAD);
      assert.deepEqual(unintendedGaps(managed.name, gaps), []);
      // Each narrowing is real: without it the list would be stale.
      for (const n of NARROWED[managed.name] ?? []) {
        assert.ok(
          gaps.some((g) => g.action === n.action && g.resource === n.resource),
          `${n.action} ${n.resource}`,
        );
      }
    });
  }

  it("lets a workload read AWS's public parameters and its own project's, not another project's", () => {
    const allowAll: aws.iam.PolicyDocument = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
    };
    const read = (resource: string) =>
      authorize(
        { principal: { role: WORKLOAD }, action: "ssm:GetParameter", resource },
        { identity: [allowAll], boundary },
      ).allowed;
    assert.equal(
      read("arn:aws:ssm:eu-west-1::parameter/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended"),
      true,
    );
    assert.equal(read(`arn:aws:ssm:eu-west-1:${ACCOUNT_ID}:parameter/ecs-json-api/prod/release/api`), true);
    assert.equal(read(`arn:aws:ssm:eu-west-1:${ACCOUNT_ID}:parameter/billing/db-password`), false);
  });

  it("names each managed policy by the ARN AWS gives it", () => {
    assert.deepEqual(
      ATTACHABLE_MANAGED_POLICIES.map((n) => managedPolicyArn("aws", n)),
      [
        "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
      ],
    );
  });

  it("grants no IAM, STS or organizations action, no wildcard action, and no NotAction", () => {
    for (const st of parsePolicy(boundary).statements) {
      assert.equal(st.notAction, undefined, st.sid);
      for (const action of st.action ?? []) {
        assert.doesNotMatch(action, /^(\*|iam:|sts:|organizations:|[a-z0-9-]+:\*$)/, `${st.sid}: ${action}`);
      }
    }
    const ask = (action: string, resource: string) =>
      authorize({ principal: { role: WORKLOAD }, action, resource }, { identity: [allowAll], boundary })
        .allowed;
    const allowAll: aws.iam.PolicyDocument = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
    };
    assert.equal(ask("iam:CreateRole", `arn:aws:iam::${ACCOUNT_ID}:role/x`), false);
    assert.equal(ask("sts:AssumeRole", `arn:aws:iam::${ACCOUNT_ID}:role/ci/ci-deploy-prod`), false);
    assert.equal(ask("s3:PutObject", "arn:aws:s3:::documents/x.json"), false);
    assert.equal(ask("ecr:PutImage", `arn:aws:ecr:eu-west-1:${ACCOUNT_ID}:repository/ecs-json-api`), false);
  });

  it("keeps every workload away from the Pulumi state and its key", () => {
    const everything: aws.iam.PolicyDocument = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["s3:*", "kms:*"], Resource: "*" }],
    };
    const ask = (action: string, resource: string, context = {}) =>
      authorize(
        { principal: { role: WORKLOAD }, action, resource, context },
        { identity: [everything], boundary },
      ).allowed;
    const viaS3 = { "kms:ViaService": "s3.eu-west-1.amazonaws.com" };
    assert.equal(ask("s3:GetObject", `${STATE_BUCKET}/.pulumi/stacks/ecs-json-api/prod.json`), false);
    assert.equal(ask("s3:ListBucket", STATE_BUCKET), false);
    assert.equal(ask("kms:Decrypt", STATE_KEY, viaS3), false);
    assert.equal(ask("s3:GetObject", "arn:aws:s3:::documents/documents/foo.json"), true);
    assert.equal(ask("kms:Decrypt", `arn:aws:kms:eu-west-1:${ACCOUNT_ID}:key/docs`, viaS3), true);
    assert.equal(ask("kms:Decrypt", `arn:aws:kms:eu-west-1:${ACCOUNT_ID}:key/docs`), false, "not through S3");
  });

  it("fits IAM's 6,144-character limit for a managed policy", () => {
    assert.ok(JSON.stringify(boundary).length <= 6144, `${JSON.stringify(boundary).length} characters`);
  });

  it("is the managed policy the program names: fixed name under /ci/, retained, the document above", async () => {
    const evaluation = await runUnderMocks(
      () =>
        new WorkloadBoundary("workload-boundary", {
          region: "eu-west-1",
          tags: { project: "ecs-json-api" },
          project: "ecs-json-api",
          stateBucketArn: STATE_BUCKET,
          stateKeyArn: STATE_KEY,
        }),
      { project: "ecs-json-api-bootstrap" },
    );
    const policy = evaluation.one("aws:iam/policy:Policy");
    // IAM builds a managed policy's ARN as arn:<partition>:iam::<account>:policy<path><name>.
    assert.equal(
      `arn:aws:iam::${ACCOUNT_ID}:policy${policy.inputs.path}${policy.inputs.name}`,
      permissionsBoundaryArn("aws", ACCOUNT_ID, "ecs-json-api"),
    );
    assert.deepEqual(
      [policy.inputs.path, policy.inputs.name],
      [CI_IAM_PATH, permissionsBoundaryName("ecs-json-api")],
    );
    assert.deepEqual(JSON.parse(policy.inputs.policy), boundary);
    assert.equal(policy.options.retainOnDelete, true);
  });
});
