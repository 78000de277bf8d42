/** The program's IAM conventions: where roles live, what bounds them, and who may assume them. */
import * as assert from "node:assert/strict";
import type * as aws from "@pulumi/aws";
import { serviceTrustPolicy } from "../../components/iam";
import { ACCOUNT_ID } from "../../lib/harness";

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
