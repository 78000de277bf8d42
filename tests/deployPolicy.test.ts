/**
 * bootstrap/deployPolicy.ts: what a deploy role can and cannot do, asked of the policy as AWS would evaluate it
 * (lib/iam), for the test account's building role and the prod account's promoting role.
 */
import * as assert from "node:assert/strict";
import type * as aws from "@pulumi/aws";
import { imageRepositoryArn } from "../bootstrap/ciRoles";
import { type DeployPolicyArgs, deployPolicy } from "../bootstrap/deployPolicy";
import { permissionsBoundaryArn } from "../components/iam";
import { crossAccountRepositoryPolicy } from "../components/imageRepository";
import { type AccessRequest, authorize } from "../lib/iam";

const TEST_ACCOUNT = "123456789012";
const PROD_ACCOUNT = "210987654321";
const REGION = "eu-west-1";
const bucket = (account: string) => `arn:aws:s3:::ecs-json-api-state-${account}`;
const key = (account: string) => `arn:aws:kms:${REGION}:${account}:key/0000`;
const boundary = (account: string) => permissionsBoundaryArn("aws", account, "ecs-json-api");
const IMAGES = imageRepositoryArn("aws", REGION, TEST_ACCOUNT, "ecs-json-api");

const args = (account: string, stack: string, images: DeployPolicyArgs["images"]): DeployPolicyArgs => ({
  partition: "aws",
  accountId: account,
  stateBucketArn: bucket(account),
  stateKeyArn: key(account),
  project: "ecs-json-api",
  stack,
  iamPath: "/ecs-json-api/",
  boundaryArn: boundary(account),
  imageRepositoryArn: IMAGES,
  images,
});
const testPolicy = deployPolicy(args(TEST_ACCOUNT, "test", "build"));
const prodPolicy = deployPolicy(args(PROD_ACCOUNT, "prod", "promote"));
const TEST_ROLE = `arn:aws:iam::${TEST_ACCOUNT}:role/ci/ci-deploy-test-1a2b3c4`;
const PROD_ROLE = `arn:aws:iam::${PROD_ACCOUNT}:role/ci/ci-deploy-prod-5d6e7f8`;

/** Would the test account's deploy role be allowed this, with these condition keys? */
const test = (
  action: string,
  resource: string,
  context: AccessRequest["context"] = {},
  resourcePolicy?: aws.iam.PolicyDocument,
) =>
  authorize(
    { principal: { role: TEST_ROLE }, action, resource, context },
    {
      identity: [testPolicy],
      resource: resourcePolicy,
      resourceAccount: resourcePolicy ? TEST_ACCOUNT : undefined,
    },
  );
const role = (account: string, name: string, path = "ecs-json-api/") =>
  `arn:aws:iam::${account}:role/${path}${name}`;
const withBoundary = (account = TEST_ACCOUNT) => ({ "iam:PermissionsBoundary": boundary(account) });

/**
 * The role actions that support the iam:PermissionsBoundary condition key, per the Service Authorization
 * Reference, "Actions defined by AWS Identity and Access Management (IAM)" (list_awsidentityandaccessmanagementiam):
 * a condition on an action that does not support the key is never met, and the deploy would fail in AWS.
 */
const SUPPORT_PERMISSIONS_BOUNDARY = new Set([
  "iam:AttachRolePolicy",
  "iam:CreateRole",
  "iam:DeleteRole",
  "iam:DeleteRolePermissionsBoundary",
  "iam:DeleteRolePolicy",
  "iam:DetachRolePolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:PutRolePolicy",
  "iam:UpdateAssumeRolePolicy",
  "iam:UpdateRole",
  "iam:UpdateRoleDescription",
]);
/** The actions that support iam:PolicyARN for roles, per the same reference. */
const SUPPORT_POLICY_ARN = new Set(["iam:AttachRolePolicy", "iam:DetachRolePolicy"]);

describe("deploy role permissions", () => {
  describe("state", () => {
    const objects = (stack: string) => `${bucket(TEST_ACCOUNT)}/.pulumi/stacks/ecs-json-api/${stack}.json`;

    it("reads and writes its own stack's state, and only its own", () => {
      assert.equal(test("s3:PutObject", objects("test")).allowed, true);
      assert.equal(test("s3:GetObject", objects("test")).allowed, true);
      assert.equal(test("s3:PutObject", objects("prod")).allowed, false);
      assert.equal(test("s3:GetObject", objects("prod")).allowed, false);
      assert.equal(
        test("s3:GetObject", `${bucket(TEST_ACCOUNT)}/.pulumi/locks/organization/ecs-json-api/prod/l.json`)
          .allowed,
        false,
      );
    });

    it("cannot change the state bucket or the key, for all its s3:* and kms:*", () => {
      for (const [action, resource] of [
        ["s3:PutBucketPolicy", bucket(TEST_ACCOUNT)],
        ["s3:DeleteBucket", bucket(TEST_ACCOUNT)],
        ["s3:PutLifecycleConfiguration", bucket(TEST_ACCOUNT)],
        ["kms:ScheduleKeyDeletion", key(TEST_ACCOUNT)],
        ["kms:PutKeyPolicy", key(TEST_ACCOUNT)],
      ]) {
        assert.equal(test(action, resource).allowed, false, action);
      }
      assert.equal(test("kms:Decrypt", key(TEST_ACCOUNT)).allowed, true);
    });
  });

  describe("roles", () => {
    it("creates a role under the program's path only with the workload boundary", () => {
      const name = role(TEST_ACCOUNT, "api-test-svc-task-role");
      assert.equal(test("iam:CreateRole", name, withBoundary()).allowed, true);
      assert.equal(test("iam:CreateRole", name).allowed, false, "no boundary");
      assert.equal(
        test("iam:CreateRole", name, {
          "iam:PermissionsBoundary": `arn:aws:iam::${TEST_ACCOUNT}:policy/ecs-json-api/wide`,
        }).allowed,
        false,
        "another boundary",
      );
      assert.equal(
        test("iam:CreateRole", role(TEST_ACCOUNT, "admin", ""), withBoundary()).allowed,
        false,
        "outside the path",
      );
    });

    it("changes a role's inline policy or trust only while the role carries the boundary", () => {
      const name = role(TEST_ACCOUNT, "api-test-svc-task-role");
      for (const action of ["iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:DeleteRolePolicy"]) {
        assert.equal(test(action, name, withBoundary()).allowed, true, action);
        assert.equal(test(action, name).allowed, false, `${action} without a boundary`);
      }
    });

    it("attaches only the AWS managed policies the program uses, and only to bounded roles", () => {
      const name = role(TEST_ACCOUNT, "api-test-cluster-instance-role");
      const attach = (policy: string, context: Record<string, string> = withBoundary()) =>
        test("iam:AttachRolePolicy", name, { ...context, "iam:PolicyARN": policy }).allowed;
      assert.equal(attach("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"), true);
      assert.equal(attach("arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"), true);
      assert.equal(attach("arn:aws:iam::aws:policy/AdministratorAccess"), false);
      assert.equal(attach("arn:aws:iam::aws:policy/IAMFullAccess"), false);
      assert.equal(attach(`arn:aws:iam::${TEST_ACCOUNT}:policy/ecs-json-api/mine`), false);
      assert.equal(attach("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", {}), false);
    });

    it("never removes or swaps a boundary, and never edits the boundary or any CI role", () => {
      const name = role(TEST_ACCOUNT, "api-test-svc-task-role");
      assert.deepEqual(test("iam:DeleteRolePermissionsBoundary", name, withBoundary()).matched, [
        "identity0:NeverRemoveABoundary",
      ]);
      assert.equal(
        test("iam:PutRolePermissionsBoundary", name, {
          "iam:PermissionsBoundary": "arn:aws:iam::aws:policy/AdministratorAccess",
        }).allowed,
        false,
      );
      for (const action of ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy"]) {
        assert.equal(test(action, boundary(TEST_ACCOUNT)).reason, "explicit deny", action);
      }
      assert.equal(test("iam:PutRolePolicy", TEST_ROLE, withBoundary()).reason, "explicit deny");
      assert.equal(
        test("iam:UpdateAssumeRolePolicy", PROD_ROLE.replace(PROD_ACCOUNT, TEST_ACCOUNT), withBoundary())
          .allowed,
        false,
      );
    });

    it("passes the program's roles only to the services that run them", () => {
      const name = role(TEST_ACCOUNT, "api-test-svc-execution-role");
      for (const service of [
        "ecs-tasks.amazonaws.com",
        "ec2.amazonaws.com",
        "lambda.amazonaws.com",
        "ecs.amazonaws.com",
      ]) {
        assert.equal(test("iam:PassRole", name, { "iam:PassedToService": service }).allowed, true, service);
      }
      assert.equal(
        test("iam:PassRole", name, { "iam:PassedToService": "glue.amazonaws.com" }).allowed,
        false,
      );
      assert.equal(
        test("iam:PassRole", TEST_ROLE, { "iam:PassedToService": "ec2.amazonaws.com" }).allowed,
        false,
      );
    });

    it("assumes no role and touches no organization or user", () => {
      for (const [action, resource] of [
        ["sts:AssumeRole", role(TEST_ACCOUNT, "api-test-svc-task-role")],
        ["organizations:LeaveOrganization", "*"],
        ["iam:CreateUser", `arn:aws:iam::${TEST_ACCOUNT}:user/ecs-json-api/x`],
        ["iam:CreateAccessKey", `arn:aws:iam::${TEST_ACCOUNT}:user/x`],
      ]) {
        assert.equal(test(action, resource).allowed, false, action);
      }
    });

    it("conditions role writes on iam:PermissionsBoundary only where IAM supports that key", () => {
      for (const policy of [testPolicy, prodPolicy]) {
        for (const st of policy.Statement as aws.iam.PolicyStatement[]) {
          const condition = JSON.stringify(st.Condition ?? {});
          const actions = ([] as string[]).concat(st.Action as string | string[]);
          if (condition.includes("iam:PermissionsBoundary")) {
            for (const action of actions)
              assert.ok(SUPPORT_PERMISSIONS_BOUNDARY.has(action), `${st.Sid}: ${action}`);
          }
          if (condition.includes("iam:PolicyARN")) {
            for (const action of actions) assert.ok(SUPPORT_POLICY_ARN.has(action), `${st.Sid}: ${action}`);
          }
        }
      }
    });
  });

  describe("images", () => {
    it("the building role pushes to the shared repository and nothing else, and never deletes or reconfigures it", () => {
      for (const action of [
        "ecr:InitiateLayerUpload",
        "ecr:UploadLayerPart",
        "ecr:CompleteLayerUpload",
        "ecr:PutImage",
        "ecr:DescribeRepositories",
      ]) {
        assert.equal(test(action, IMAGES).allowed, true, action);
      }
      assert.equal(test("ecr:PutImage", IMAGES.replace("ecs-json-api", "other")).allowed, false);
      for (const action of [
        "ecr:BatchDeleteImage",
        "ecr:DeleteRepository",
        "ecr:SetRepositoryPolicy",
        "ecr:PutLifecyclePolicy",
      ]) {
        assert.equal(test(action, IMAGES).allowed, false, action);
      }
    });

    it("the promoting role in the prod account reads and tags the test account's images, and cannot push layers", () => {
      const repositoryPolicy = crossAccountRepositoryPolicy("aws", [PROD_ACCOUNT], "/ci/");
      const prod = (action: string) =>
        authorize(
          { principal: { role: PROD_ROLE }, action, resource: IMAGES },
          { identity: [prodPolicy], resource: repositoryPolicy },
        ).allowed;
      for (const action of [
        "ecr:BatchGetImage",
        "ecr:PutImage",
        "ecr:DescribeImages",
        "ecr:GetDownloadUrlForLayer",
      ]) {
        assert.equal(prod(action), true, action);
      }
      for (const action of [
        "ecr:InitiateLayerUpload",
        "ecr:BatchDeleteImage",
        "ecr:DeleteRepository",
        "ecr:PutLifecyclePolicy",
      ]) {
        assert.equal(prod(action), false, action);
      }
    });
  });

  describe("parameters", () => {
    const parameter = (stack: string) =>
      `arn:aws:ssm:${REGION}:${TEST_ACCOUNT}:parameter/ecs-json-api/${stack}/release/api`;

    it("records its own stack's release and no other's", () => {
      assert.equal(test("ssm:PutParameter", parameter("test")).allowed, true);
      assert.equal(test("ssm:PutParameter", parameter("prod")).allowed, false);
      assert.equal(test("ssm:DeleteParameter", parameter("prod")).allowed, false);
      assert.equal(
        test(
          "ssm:GetParameter",
          `arn:aws:ssm:${REGION}::parameter/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended`,
        ).allowed,
        true,
      );
    });

    it("reads its own stack's recorded release by path, as the Registry does, and no other stack's", () => {
      // GetParametersByPath is authorized against the path's own ARN (`parameter/<path>`).
      const path = (stack: string) =>
        `arn:aws:ssm:${REGION}:${TEST_ACCOUNT}:parameter/ecs-json-api/${stack}/release`;
      assert.equal(test("ssm:GetParametersByPath", path("test")).allowed, true);
      assert.equal(test("ssm:GetParametersByPath", path("prod")).allowed, false);
    });
  });

  describe("across accounts", () => {
    it("the test account's role can do nothing to the prod account's resources", () => {
      for (const [action, resource] of [
        ["ecs:UpdateService", `arn:aws:ecs:${REGION}:${PROD_ACCOUNT}:service/api-prod/api`],
        ["ec2:TerminateInstances", `arn:aws:ec2:${REGION}:${PROD_ACCOUNT}:instance/i-0123456789abcdef0`],
        ["ssm:PutParameter", `arn:aws:ssm:${REGION}:${PROD_ACCOUNT}:parameter/ecs-json-api/prod/release/api`],
      ]) {
        assert.equal(test(action, resource).allowed, false, action);
      }
    });
  });

  it("fits IAM's 10,240-character limit for a role's inline policies", () => {
    for (const policy of [testPolicy, prodPolicy]) assert.ok(JSON.stringify(policy).length < 10240);
  });
});
