/** The task's IAM roles: their documents (pure) and the roles themselves (under mocks). */
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { IAM_PATH, serviceTrustPolicy } from "../../components/iam";
import {
  createServiceRoles,
  ecrRepositoryArn,
  executionRolePolicy,
  partitionOf,
  type ServiceRolesArgs,
} from "../../components/serviceRoles";
import { ACCOUNT_ID, type Evaluation, runUnderMocks } from "../../lib/harness";

const DIGEST = `sha256:${"a".repeat(64)}`;
const IMAGE = `${ACCOUNT_ID}.dkr.ecr.eu-west-1.amazonaws.com/ecs-json-api@${DIGEST}`;
const OTHER_ACCOUNT = "210987654321";
const CROSS_ACCOUNT_IMAGE = `${OTHER_ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/shared/web@${DIGEST}`;
const LOG_GROUP = `arn:aws:logs:eu-west-1:${ACCOUNT_ID}:log-group:web-logs`;
const BOUNDARY = `arn:aws:iam::${ACCOUNT_ID}:policy/ci/ecs-json-api-workload-boundary`;
const READ_POLICY: aws.iam.PolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::docs/documents/*" }],
};

const statementsOf = (doc: aws.iam.PolicyDocument) => doc.Statement as aws.iam.PolicyStatement[];
const asList = (v: unknown) => (Array.isArray(v) ? v : [v]);

describe("partitionOf", () => {
  const cases: [string, string][] = [
    ["eu-west-1", "aws"],
    ["us-east-1", "aws"],
    ["cn-north-1", "aws-cn"],
    ["us-gov-west-1", "aws-us-gov"],
  ];
  for (const [region, partition] of cases) {
    it(`puts ${region} in ${partition}`, () => assert.equal(partitionOf(region), partition));
  }
});

describe("ecrRepositoryArn", () => {
  const cases: [what: string, image: string, arn: string | undefined][] = [
    ["an image pinned by digest", IMAGE, `arn:aws:ecr:eu-west-1:${ACCOUNT_ID}:repository/ecs-json-api`],
    [
      "a repository in another account",
      CROSS_ACCOUNT_IMAGE,
      `arn:aws:ecr:eu-west-1:${OTHER_ACCOUNT}:repository/shared/web`,
    ],
    [
      "an image by tag, in a nested repository",
      `${ACCOUNT_ID}.dkr.ecr.eu-west-1.amazonaws.com/team/api:v1.2`,
      `arn:aws:ecr:eu-west-1:${ACCOUNT_ID}:repository/team/api`,
    ],
    [
      "an image in China",
      `${ACCOUNT_ID}.dkr.ecr.cn-north-1.amazonaws.com.cn/api@${DIGEST}`,
      `arn:aws-cn:ecr:cn-north-1:${ACCOUNT_ID}:repository/api`,
    ],
    [
      "an image through the FIPS endpoint in GovCloud",
      `${ACCOUNT_ID}.dkr.ecr-fips.us-gov-west-1.amazonaws.com/api@${DIGEST}`,
      `arn:aws-us-gov:ecr:us-gov-west-1:${ACCOUNT_ID}:repository/api`,
    ],
    ["an image on another registry", `ghcr.io/acme/api@${DIGEST}`, undefined],
    ["an image on ECR Public", `public.ecr.aws/acme/api@${DIGEST}`, undefined],
    ["a malformed account", `12345.dkr.ecr.eu-west-1.amazonaws.com/api@${DIGEST}`, undefined],
  ];
  for (const [what, image, arn] of cases) {
    it(`finds the repository of ${what}`, () => assert.equal(ecrRepositoryArn(image), arn));
  }
});

describe("executionRolePolicy", () => {
  it("pulls only from the image's repository, in whichever account it is", () => {
    for (const image of [IMAGE, CROSS_ACCOUNT_IMAGE]) {
      const pulls = statementsOf(executionRolePolicy(image, LOG_GROUP)).filter((s) =>
        asList(s.Action).some((a) => a.startsWith("ecr:") && a !== "ecr:GetAuthorizationToken"),
      );
      assert.deepEqual(
        pulls.map((s) => s.Resource),
        [ecrRepositoryArn(image)],
      );
      assert.deepEqual([...asList(pulls[0].Action)].sort(), [
        "ecr:BatchCheckLayerAvailability",
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
      ]);
    }
  });

  it("grants nothing on every resource but the ECR login, which has no resource-level permissions", () => {
    for (const image of [IMAGE, `ghcr.io/acme/api@${DIGEST}`]) {
      for (const s of statementsOf(executionRolePolicy(image, LOG_GROUP))) {
        if (asList(s.Resource).includes("*"))
          assert.deepEqual(asList(s.Action), ["ecr:GetAuthorizationToken"]);
      }
    }
  });

  it("writes only to the streams of the task's log group", () => {
    const logs = statementsOf(executionRolePolicy(IMAGE, LOG_GROUP)).filter((s) =>
      asList(s.Action).some((a) => a.startsWith("logs:")),
    );
    assert.equal(logs.length, 1);
    assert.deepEqual([...asList(logs[0].Action)].sort(), ["logs:CreateLogStream", "logs:PutLogEvents"]);
    assert.equal(logs[0].Resource, `${LOG_GROUP}:log-stream:*`);
  });

  it("grants no ECR access at all for an image outside ECR", () => {
    const actions = statementsOf(executionRolePolicy(`ghcr.io/acme/api@${DIGEST}`, LOG_GROUP)).flatMap((s) =>
      asList(s.Action),
    );
    assert.ok(
      actions.every((a) => !a.startsWith("ecr:")),
      actions.join(),
    );
  });
});

describe("createServiceRoles", () => {
  /** Evaluates the roles; outputs which roles and policies the function returned, by name. */
  function evaluate(args: Partial<ServiceRolesArgs>): Promise<Evaluation> {
    return runUnderMocks(() => {
      const provider = new aws.Provider("caller", { region: "eu-west-1" });
      const roles = createServiceRoles(
        "web",
        {
          accountId: ACCOUNT_ID,
          image: IMAGE,
          logGroupArn: LOG_GROUP,
          purpose: "the web service",
          permissionsBoundary: BOUNDARY,
          ...args,
        },
        { provider },
      );
      const name = (r: unknown) => (r as { __name: string }).__name;
      return {
        taskRole: roles.taskRole ? name(roles.taskRole) : null,
        executionRole: name(roles.executionRole),
        policies: roles.policies.map(name),
      };
    });
  }
  const ROLE = "aws:iam/role:Role";
  const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
  /** The inline policy documents of a role, by the role's name. */
  const policiesOf = (e: Evaluation, role: string) =>
    e
      .resourcesOfType(ROLE_POLICY)
      .filter((p) => p.inputs.role === e.named(role, ROLE).state.name)
      .map((p) => JSON.parse(p.inputs.policy));

  let withoutAws: Evaluation;
  let withAws: Evaluation;
  let crossAccount: Evaluation;
  before(async () => {
    withoutAws = await evaluate({});
    withAws = await evaluate({ taskPolicy: READ_POLICY });
    crossAccount = await evaluate({ image: CROSS_ACCOUNT_IMAGE });
  });

  it("makes no task role for a service without a task policy, so its container gets no credentials", () => {
    assert.deepEqual(
      withoutAws.resourcesOfType(ROLE).map((r) => r.name),
      ["web-execution-role"],
    );
    assert.equal(withoutAws.outputs.taskRole, null);
  });

  it("gives the task role exactly the task policy, inline, and nothing managed", () => {
    assert.equal(withAws.outputs.taskRole, "web-task-role");
    assert.deepEqual(policiesOf(withAws, "web-task-role"), [READ_POLICY]);
    assert.equal(withAws.resourcesOfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 0);
  });

  it("lets both roles be assumed only by ECS tasks acting for this account", () => {
    const roles = withAws.resourcesOfType(ROLE);
    assert.equal(roles.length, 2);
    for (const role of roles) {
      assert.deepEqual(
        JSON.parse(role.inputs.assumeRolePolicy),
        serviceTrustPolicy("ecs-tasks.amazonaws.com", ACCOUNT_ID),
        role.name,
      );
    }
  });

  it("puts both roles under the program's IAM path with the permissions boundary, where deploy roles may create them", () => {
    for (const role of withAws.resourcesOfType(ROLE)) {
      assert.equal(role.inputs.path, IAM_PATH, role.name);
      assert.equal(role.inputs.permissionsBoundary, BOUNDARY, role.name);
    }
  });

  it("lets the execution role pull the image's repository and write the log group, and nothing else", () => {
    assert.deepEqual(policiesOf(withoutAws, "web-execution-role"), [executionRolePolicy(IMAGE, LOG_GROUP)]);
    const [crossPolicy] = policiesOf(crossAccount, "web-execution-role");
    assert.ok(
      statementsOf(crossPolicy).some(
        (s) => s.Resource === `arn:aws:ecr:eu-west-1:${OTHER_ACCOUNT}:repository/shared/web`,
      ),
    );
  });

  it("returns every inline policy, so a task starts only once it can pull, log and read", () => {
    for (const e of [withoutAws, withAws]) {
      assert.deepEqual(
        [...e.outputs.policies].sort(),
        e
          .resourcesOfType(ROLE_POLICY)
          .map((p) => p.name)
          .sort(),
      );
    }
  });

  it("describes each role by what it is for, in IAM's description limits", () => {
    for (const role of withAws.resourcesOfType(ROLE)) {
      // IAM CreateRole Description: up to 1000 characters of tab, newline, and printable Latin-1.
      assert.match(role.inputs.description, /^[\t\n\r\u0020-\u007E\u00A1-\u00FF]{1,1000}$/);
      assert.ok(role.inputs.description.includes("the web service"), role.name);
    }
  });

  it("creates everything with the caller's options, named after the service", () => {
    for (const r of withAws.resources.filter((x) => x.type.startsWith("aws:"))) {
      assert.equal(withAws.providerOf(r)?.name, "caller", r.name);
      assert.match(r.name, /^web-/);
    }
  });
});
