/**
 * lib/iam/evaluate.ts and match.ts: statement matching (Action/NotAction, Resource/NotResource wildcards,
 * Principal) and the combination of identity-based, boundary and resource-based policies, same account and
 * across accounts, as AWS's policy evaluation logic describes them.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables, quoted as text.
import * as assert from "node:assert/strict";
import type * as aws from "@pulumi/aws";
import { authorize } from "../lib/iam/evaluate";
import { actionMatches, resourceMatches } from "../lib/iam/match";
import { parsePolicy } from "../lib/iam/policy";

const A = "111111111111";
const B = "222222222222";
const ROLE_A = `arn:aws:iam::${A}:role/app/worker`;
const ROLE_B = `arn:aws:iam::${B}:role/ci/deployer`;
const allow = (
  Action: string | string[],
  Resource: string | string[],
  extra = {},
): aws.iam.PolicyDocument => ({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action, Resource, ...extra }],
});

describe("IAM policy evaluation", () => {
  describe("matching", () => {
    const actions: [string, string, boolean][] = [
      ["s3:*", "s3:PutObject", true],
      ["s3:Get*", "s3:PutObject", false],
      ["iam:createrole", "iam:CreateRole", true],
      ["ecs:Submit*", "ecs:SubmitTaskStateChange", true],
      ["ec2:Describe?ags", "ec2:DescribeTags", true],
      ["*", "kms:Decrypt", true],
    ];
    for (const [pattern, action, matches] of actions) {
      it(`action ${pattern} ${matches ? "matches" : "does not match"} ${action}`, () => {
        assert.equal(actionMatches(pattern, action), matches);
      });
    }

    const resources: [string, string, boolean][] = [
      ["arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/.pulumi/stacks/p/test.json", true],
      ["arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", false],
      ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket-2", false],
      // A * that ends a segment may run beyond the colons (log streams are group:log-stream:name).
      [
        "arn:aws:logs:eu-west-1:1:log-group:api:*",
        "arn:aws:logs:eu-west-1:1:log-group:api:log-stream:x",
        true,
      ],
      // A * inside a segment stays inside it.
      ["arn:aws:logs:eu-west-1:1:log-group:a*i", "arn:aws:logs:eu-west-1:1:log-group:a:x:i", false],
      ["arn:aws:ecr:*:*:repository/ecs-json-api", `arn:aws:ecr:eu-west-1:${A}:repository/ecs-json-api`, true],
      ["arn:aws:iam::1:role/ecs-json-api/*", "arn:aws:iam::1:role/ci/deploy", false],
      ["arn:aws:iam::1:role/Bob", "arn:aws:iam::1:role/bob", false],
      ["*", "anything", true],
    ];
    for (const [pattern, resource, matches] of resources) {
      it(`resource ${pattern} ${matches ? "matches" : "does not match"} ${resource}`, () => {
        assert.equal(resourceMatches(pattern, resource), matches);
      });
    }
  });

  describe("one account", () => {
    const request = { principal: { role: ROLE_A }, action: "s3:GetObject", resource: "arn:aws:s3:::b/k" };

    it("denies what no policy allows (implicit deny)", () => {
      assert.equal(
        authorize(request, { identity: [allow("s3:ListBucket", "arn:aws:s3:::b")] }).allowed,
        false,
      );
    });

    it("allows what an identity-based policy allows", () => {
      assert.equal(authorize(request, { identity: [allow("s3:Get*", "arn:aws:s3:::b/*")] }).allowed, true);
    });

    it("lets an explicit deny anywhere win over any allow", () => {
      const deny: aws.iam.PolicyDocument = {
        Version: "2012-10-17",
        Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::b/*" }],
      };
      const decision = authorize(request, {
        identity: [allow("s3:*", "*")],
        resource: deny,
        resourceAccount: A,
      });
      assert.deepEqual([decision.allowed, decision.reason], [false, "explicit deny"]);
    });

    it("honours NotAction and NotResource", () => {
      const notAction: aws.iam.PolicyDocument = {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", NotAction: "s3:PutObject", NotResource: "arn:aws:s3:::state/*" }],
      };
      assert.equal(authorize(request, { identity: [notAction] }).allowed, true);
      assert.equal(
        authorize({ ...request, action: "s3:PutObject" }, { identity: [notAction] }).allowed,
        false,
      );
      assert.equal(
        authorize({ ...request, resource: "arn:aws:s3:::state/x" }, { identity: [notAction] }).allowed,
        false,
      );
    });

    it("limits the identity policy to its permissions boundary", () => {
      const boundary = allow("s3:GetObject", "arn:aws:s3:::b/*");
      assert.equal(authorize(request, { identity: [allow("s3:*", "*")], boundary }).allowed, true);
      const write = { ...request, action: "s3:PutObject" };
      assert.deepEqual(
        authorize(write, { identity: [allow("s3:*", "*")], boundary }).reason,
        "the permissions boundary does not allow it",
      );
    });

    it("lets a resource policy naming the principal allow alone, but not one naming only the account", () => {
      const names = (AWS: string): aws.iam.PolicyDocument => ({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { AWS }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" },
        ],
      });
      assert.equal(authorize(request, { resource: names(ROLE_A), resourceAccount: A }).allowed, true);
      assert.equal(
        authorize(request, { resource: names(`arn:aws:iam::${A}:root`), resourceAccount: A }).allowed,
        false,
      );
      assert.equal(authorize(request, { resource: names(A), resourceAccount: A }).allowed, false);
    });
  });

  describe("across accounts", () => {
    const repository = `arn:aws:ecr:eu-west-1:${A}:repository/app`;
    const request = { principal: { role: ROLE_B }, action: "ecr:PutImage", resource: repository };
    const repositoryPolicy = (condition?: object): aws.iam.PolicyDocument => ({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${B}:root` },
          Action: "ecr:PutImage",
          ...(condition ? { Condition: condition } : {}),
        },
      ],
    });

    it("needs both the caller's identity policy and the resource policy", () => {
      const identity = [allow("ecr:PutImage", repository)];
      assert.equal(authorize(request, { identity, resource: repositoryPolicy() }).allowed, true);
      assert.equal(authorize(request, { identity: [], resource: repositoryPolicy() }).allowed, false);
      assert.equal(authorize(request, { identity }).allowed, false);
    });

    it("evaluates the resource policy's conditions on the caller (aws:PrincipalArn is the role ARN)", () => {
      const identity = [allow("ecr:PutImage", repository)];
      const onlyCi = repositoryPolicy({ ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${B}:role/ci/*` } });
      assert.equal(authorize(request, { identity, resource: onlyCi }).allowed, true);
      const other = { ...request, principal: { role: `arn:aws:iam::${B}:role/app/worker` } };
      assert.equal(authorize(other, { identity, resource: onlyCi }).allowed, false);
    });
  });

  describe("services and federated identities", () => {
    const trust: aws.iam.PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "ecs-tasks.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": A } },
        },
      ],
    };
    const assume = (service: string, account: string) => ({
      principal: { service },
      action: "sts:AssumeRole",
      resource: ROLE_A,
      context: { "aws:SourceAccount": account },
    });

    it("lets only the named service assume a role, and only for the named account", () => {
      assert.equal(authorize(assume("ecs-tasks.amazonaws.com", A), { resource: trust }).allowed, true);
      assert.equal(authorize(assume("ecs-tasks.amazonaws.com", B), { resource: trust }).allowed, false);
      assert.equal(authorize(assume("ec2.amazonaws.com", A), { resource: trust }).allowed, false);
    });
  });

  describe("what it refuses to model", () => {
    it("rejects NotPrincipal, policy variables, unknown elements and unresolved values", () => {
      const doc = (statement: object) => ({ Version: "2012-10-17", Statement: [statement] });
      assert.throws(
        () => parsePolicy(doc({ Effect: "Deny", NotPrincipal: "*", Action: "*" })),
        /NotPrincipal/,
      );
      assert.throws(
        () =>
          parsePolicy(doc({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::${aws:username}/*" })),
        /policy variable/,
      );
      assert.throws(() => parsePolicy(doc({ Effect: "Allow", Action: "s3:*", Resources: "*" })), /Resources/);
      assert.throws(() => parsePolicy(doc({ Effect: "Allow", Action: [{}], Resource: "*" })), /not a string/);
      assert.throws(
        () => parsePolicy(doc({ Effect: "Allow", Action: "s3:*", NotAction: "s3:Get*" })),
        /exactly one/,
      );
    });

    it("rejects a Principal in an identity policy and a resource policy statement without one", () => {
      const request = { principal: { role: ROLE_A }, action: "s3:GetObject", resource: "arn:aws:s3:::b/k" };
      const withPrincipal = {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }],
      };
      assert.throws(() => authorize(request, { identity: [withPrincipal] }), /take no Principal/);
      assert.throws(
        () => authorize(request, { resource: allow("s3:*", "*"), resourceAccount: A }),
        /needs a Principal/,
      );
    });
  });
});
