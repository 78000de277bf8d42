/** The program's IAM conventions: where roles live, what bounds them, and who may assume them. */
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { IAM_PATH, iamPath, programRole, serviceTrustPolicy } from "../../components/iam";
import { ACCOUNT_ID, runUnderMocks } from "../../lib/harness";

const BOUNDARY = `arn:aws:iam::${ACCOUNT_ID}:policy/ci/ecs-json-api-workload-boundary`;

const statementsOf = (doc: aws.iam.PolicyDocument) => doc.Statement as aws.iam.PolicyStatement[];

describe("serviceTrustPolicy", () => {
  it("lets only the one service assume the role", () => {
    for (const service of ["ecs-tasks.amazonaws.com", "ecs.amazonaws.com", "lambda.amazonaws.com"]) {
      const [statement, ...others] = statementsOf(serviceTrustPolicy(service, ACCOUNT_ID));
      assert.deepEqual(others, []);
      assert.deepEqual(
        [statement.Effect, statement.Principal, statement.Action],
        ["Allow", { Service: service }, "sts:AssumeRole"],
      );
    }
  });

  it("requires ECS tasks to act for this account, as AWS documents their trust policy", () => {
    const [statement] = statementsOf(serviceTrustPolicy("ecs-tasks.amazonaws.com", ACCOUNT_ID));
    assert.deepEqual(statement.Condition, { StringEquals: { "aws:SourceAccount": ACCOUNT_ID } });
  });

  it("checks the account only when the request carries it, for services AWS documents without the key", () => {
    // ECS (infrastructure and hook roles) and Lambda: AWS's trust policies for these have no condition; a
    // StringEquals on a key the service does not send would refuse every AssumeRole, so the service never could.
    for (const service of ["ecs.amazonaws.com", "lambda.amazonaws.com"]) {
      const [statement] = statementsOf(serviceTrustPolicy(service, ACCOUNT_ID));
      assert.deepEqual(
        statement.Condition,
        { StringEqualsIfExists: { "aws:SourceAccount": ACCOUNT_ID } },
        service,
      );
    }
  });
});

describe("programRole", () => {
  it("makes every role under the program's path, with the boundary, trusted as asked", async () => {
    const e = await runUnderMocks(() => {
      const opts = { provider: new aws.Provider("aws", { region: "eu-west-1" }) };
      programRole(
        "by-service",
        {
          description: "d",
          service: "lambda.amazonaws.com",
          accountId: ACCOUNT_ID,
          permissionsBoundary: BOUNDARY,
        },
        opts,
      );
      programRole(
        "by-policy",
        { description: "d", assumeRolePolicy: '{"Version":"2012-10-17","Statement":[]}' },
        opts,
      );
      return {};
    });
    const byService = e.named("by-service", "aws:iam/role:Role").inputs;
    assert.deepEqual(
      [byService.path, byService.permissionsBoundary, JSON.parse(byService.assumeRolePolicy)],
      [IAM_PATH, BOUNDARY, serviceTrustPolicy("lambda.amazonaws.com", ACCOUNT_ID)],
    );
    const byPolicy = e.named("by-policy", "aws:iam/role:Role").inputs;
    assert.equal(byPolicy.path, IAM_PATH);
    assert.equal(byPolicy.assumeRolePolicy, '{"Version":"2012-10-17","Statement":[]}');
  });

  it("refuses a role nobody is trusted to assume", () => {
    assert.throws(
      () => programRole("x", { description: "d" }, {}),
      /give assumeRolePolicy, or service and accountId/,
    );
  });
});

describe("iamPath", () => {
  it("puts a project's roles under its own name, where its bootstrap's deploy roles may create them", async () => {
    assert.equal(iamPath("shop"), "/shop/");
    // The program reads its project: another project's roles never land under ecs-json-api's path.
    const e = await runUnderMocks(
      () => {
        programRole("r", { description: "d", assumeRolePolicy: "{}" }, {});
        return {};
      },
      { project: "shop" },
    );
    assert.equal(e.named("r", "aws:iam/role:Role").inputs.path, "/shop/");
  });
});
