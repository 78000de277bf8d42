/** lib/iam/coverage.ts: finding what a permissions boundary would cut out of a role's policy. */
import * as assert from "node:assert/strict";
import type * as aws from "@pulumi/aws";
import { gapsOutsideBoundary, representative, satisfyingContext } from "../lib/iam/coverage";
import { parsePolicy } from "../lib/iam/policy";

const ROLE = "arn:aws:iam::111111111111:role/app/task";
const doc = (...Statement: aws.iam.PolicyStatement[]): aws.iam.PolicyDocument => ({
  Version: "2012-10-17",
  Statement,
});

describe("boundary coverage", () => {
  it("finds nothing when the boundary grants at least what the policy grants", () => {
    const policy = doc({
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: "arn:aws:s3:::docs/documents/*",
    });
    const boundary = doc({ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: "*" });
    assert.deepEqual(gapsOutsideBoundary(policy, boundary, ROLE), []);
  });

  it("reports every action and resource the boundary cuts", () => {
    const policy = doc({
      Sid: "Logs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:DescribeLogStreams"],
      Resource: "arn:aws:logs:eu-west-1:111111111111:log-group:flow:*",
    });
    const boundary = doc({ Effect: "Allow", Action: "logs:CreateLogStream", Resource: "*" });
    assert.deepEqual(gapsOutsideBoundary(policy, boundary, ROLE), [
      {
        statement: "Logs",
        action: "logs:DescribeLogStreams",
        resource: "arn:aws:logs:eu-west-1:111111111111:log-group:flow:sample",
        reason: "the permissions boundary does not allow it",
      },
    ]);
  });

  it("needs a boundary on * for a grant on *", () => {
    const policy = doc({ Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" });
    const narrow = doc({ Effect: "Allow", Action: "ecr:*", Resource: "arn:aws:ecr:*:*:repository/*" });
    assert.equal(gapsOutsideBoundary(policy, narrow, ROLE).length, 1);
  });

  it("carries the granting statement's conditions into the request, so a boundary condition is tested", () => {
    const decrypt = (condition?: object): aws.iam.PolicyDocument =>
      doc({
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: "*",
        ...(condition ? { Condition: condition } : {}),
      });
    const boundary = decrypt({ StringLike: { "kms:ViaService": "s3.*.amazonaws.com" } });
    assert.deepEqual(
      gapsOutsideBoundary(
        decrypt({ StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } }),
        boundary,
        ROLE,
      ),
      [],
    );
    assert.equal(gapsOutsideBoundary(decrypt(), boundary, ROLE).length, 1);
  });

  it("builds representatives the granting statement itself allows", () => {
    assert.equal(representative("ecs:Submit*"), "ecs:Submitsample");
    assert.equal(representative("*"), "*");
    const [st] = parsePolicy(
      doc({
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: "*",
        Condition: {
          StringLike: { "s3:prefix": "documents/*" },
          StringNotEquals: { "aws:SourceVpce": "vpce-1" },
          Null: { "s3:delimiter": "false" },
          "ForAnyValue:StringEquals": { "aws:TagKeys": "stack" },
        },
      }),
    ).statements;
    assert.deepEqual(satisfyingContext(st), {
      "s3:prefix": "documents/sample",
      "s3:delimiter": "sample",
      "aws:TagKeys": ["stack"],
    });
  });

  it("refuses NotAction and NotResource grants, which no sample stands for", () => {
    const policy = doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" });
    assert.throws(() => gapsOutsideBoundary(policy, policy, ROLE), /no finite representative/);
  });
});
