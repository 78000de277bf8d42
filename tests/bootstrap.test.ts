/**
 * The bootstrap program: its config, its IAM documents read exactly, each component under mocks, and the
 * whole program evaluated once with its own Pulumi.yaml and example stack file.
 */
import * as assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { CiRoles, imageRepositoryArn, resolveCiRolesArgs } from "../bootstrap/ciRoles";
import { BOOTSTRAP_KEYS, BOOTSTRAP_PROJECT, parseBootstrapConfig } from "../bootstrap/config";
import { deployPolicy } from "../bootstrap/deployPolicy";
import { githubVariableCommands } from "../bootstrap/githubSetup";
import {
  environmentSubject,
  githubTrustPolicy,
  previewStatePolicy,
  pullRequestSubject,
  stateBucketPolicy,
  stateKeyPolicy,
} from "../bootstrap/policies";
import { resolveStateBackendArgs, StateBackend } from "../bootstrap/stateBackend";
import {
  ACCOUNT_ID,
  type Evaluation,
  EvaluationError,
  evaluateStack,
  PROJECT_ROOT,
  type RecordedResource,
  readStackFile,
  runUnderMocks,
} from "../lib/harness";
import { authorize } from "../lib/iam";

const BOOTSTRAP_ROOT = path.join(PROJECT_ROOT, "bootstrap");
const BUCKET_ARN = "arn:aws:s3:::state-bucket-1234567";
const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT_ID}:key/0000-1111`;
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/token.actions.githubusercontent.com`;
const BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT_ID}:policy/ci/ecs-json-api-workload-boundary`;
const IMAGES_ARN = `arn:aws:ecr:eu-west-1:${ACCOUNT_ID}:repository/ecs-json-api`;
const REPO = { owner: "example-org", name: "ecs-json-api" };
const common = { region: "eu-west-1", tags: { project: "ecs-json-api", stack: "example" } };

describe("bootstrap", () => {
  describe("config", () => {
    it("declares in Pulumi.yaml exactly the keys the reader knows, with the same defaults", () => {
      const project = parse(readFileSync(path.join(BOOTSTRAP_ROOT, "Pulumi.yaml"), "utf8"));
      assert.equal(project.name, BOOTSTRAP_PROJECT);
      const declared = Object.fromEntries(
        Object.entries(project.config as Record<string, { default?: unknown }>).map(([k, v]) => [
          k,
          v.default === undefined
            ? undefined
            : typeof v.default === "string"
              ? v.default
              : JSON.stringify(v.default),
        ]),
      );
      assert.deepEqual(declared, BOOTSTRAP_KEYS);
    });

    it("accepts the example stack file and applies the defaults", () => {
      const file = readStackFile("example", BOOTSTRAP_ROOT);
      const raw = Object.fromEntries(
        Object.entries(file).map(([k, v]) => [k.replace(`${BOOTSTRAP_PROJECT}:`, ""), v]),
      );
      assert.deepEqual(parseBootstrapConfig(raw), {
        region: "eu-west-1",
        githubOwner: "example-org",
        githubRepository: "ecs-json-api",
        githubIds: undefined,
        existingOidcProviderArn: undefined,
        projectName: "ecs-json-api",
        stateVersionRetentionDays: 90,
        environments: ["test"],
        promotedEnvironments: ["prod"],
        imageAccountId: undefined,
        imagePullAccountIds: [],
        promotedImageRetainDays: 3650,
        buildImageRetainCount: 30,
      });
    });

    it("reads both numeric ids for GitHub's immutable sub claim", () => {
      const config = parseBootstrapConfig({
        "aws:region": "us-east-1",
        environments: '["test"]',
        githubRepository: "octo-org/octo-repo",
        githubOwnerId: "123456",
        githubRepositoryId: "789012",
      });
      assert.deepEqual(config.githubIds, { owner: "123456", repository: "789012" });
    });

    const bad: [string, Record<string, string>, string][] = [
      [
        "a missing repository",
        {},
        "ecs-json-api-bootstrap:githubRepository is required: the repository allowed to deploy, as OWNER/NAME",
      ],
      [
        "a repository without an owner",
        { githubRepository: "ecs-json-api" },
        'ecs-json-api-bootstrap:githubRepository = "ecs-json-api" is not a GitHub repository written OWNER/NAME',
      ],
      [
        "a wildcard repository",
        { githubRepository: "example-org/*" },
        'ecs-json-api-bootstrap:githubRepository = "example-org/*" is not a GitHub repository written OWNER/NAME',
      ],
      [
        "an owner ending in a hyphen",
        { githubRepository: "org-/repo" },
        'ecs-json-api-bootstrap:githubRepository = "org-/repo" is not a GitHub repository written OWNER/NAME',
      ],
      [
        "a repository path with three parts",
        { githubRepository: "a/b/c" },
        'ecs-json-api-bootstrap:githubRepository = "a/b/c" is not a GitHub repository written OWNER/NAME',
      ],
      [
        "a non-numeric owner id",
        { githubRepository: "a/b", githubOwnerId: "x1", githubRepositoryId: "2" },
        'ecs-json-api-bootstrap:githubOwnerId = "x1" is not a numeric GitHub id',
      ],
      [
        "one id without the other",
        { githubRepository: "a/b", githubOwnerId: "1" },
        "ecs-json-api-bootstrap:githubOwnerId and ecs-json-api-bootstrap:githubRepositoryId go together: set both or neither",
      ],
      [
        "another issuer's provider",
        {
          githubRepository: "a/b",
          existingOidcProviderArn: `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/gitlab.com`,
        },
        `ecs-json-api-bootstrap:existingOidcProviderArn = "arn:aws:iam::${ACCOUNT_ID}:oidc-provider/gitlab.com" is not the ARN of a token.actions.githubusercontent.com OIDC provider`,
      ],
      [
        "an upper-case project",
        { githubRepository: "a/b", projectName: "EcsJsonApi" },
        'ecs-json-api-bootstrap:projectName = "EcsJsonApi" is not a lower-case project name such as ecs-json-api',
      ],
      [
        "a zero retention",
        { githubRepository: "a/b", stateVersionRetentionDays: "0" },
        'ecs-json-api-bootstrap:stateVersionRetentionDays = "0" is not a whole number from 1 to 3650',
      ],
      [
        "environments that are not a list",
        { githubRepository: "a/b", environments: "test" },
        "ecs-json-api-bootstrap:environments = test is not a list of strings",
      ],
      [
        "an environment listed twice, or not a stack name",
        { githubRepository: "a/b", environments: '["test", "test", "Prod*"]' },
        'ecs-json-api-bootstrap:environments lists "test" twice; ' +
          "environment \"Prod*\" is not a lower-case stack name (letters, digits, '-', '_')",
      ],
      [
        "no environment",
        { githubRepository: "a/b", environments: "[]" },
        "ecs-json-api-bootstrap:environments is empty; name at least one environment",
      ],
      [
        "an environment that builds in an account that does not hold the images",
        { githubRepository: "a/b", environments: '["prod", "test"]', imageAccountId: "210987654321" },
        'environment "test" builds images, so its account must hold the image repository: leave ' +
          'ecs-json-api-bootstrap:imageAccountId empty, or list "test" in ecs-json-api-bootstrap:promotedEnvironments',
      ],
      [
        "an account of promoted environments only that would hold the images itself",
        { githubRepository: "a/b", environments: '["prod"]' },
        "no environment here builds images, yet this account would hold the image repository: set " +
          "ecs-json-api-bootstrap:imageAccountId to the account that builds",
      ],
      [
        "pull accounts in an account that does not hold the images",
        {
          githubRepository: "a/b",
          environments: '["prod"]',
          imageAccountId: "210987654321",
          imagePullAccountIds: '["345678901234"]',
        },
        "ecs-json-api-bootstrap:imagePullAccountIds is only for the account that holds the image repository",
      ],
      [
        "malformed account ids and retention counts",
        {
          githubRepository: "a/b",
          imagePullAccountIds: '["12345"]',
          promotedImageRetainDays: "0",
          buildImageRetainCount: "x",
        },
        'ecs-json-api-bootstrap:imagePullAccountIds: "12345" is not a 12-digit AWS account id; ' +
          'ecs-json-api-bootstrap:promotedImageRetainDays = "0" is not a whole number from 1 to 3650; ' +
          'ecs-json-api-bootstrap:buildImageRetainCount = "x" is not a whole number from 1 to 10000',
      ],
    ];
    for (const [what, raw, problem] of bad) {
      it(`rejects ${what}`, () => {
        assert.throws(
          () => parseBootstrapConfig({ "aws:region": "eu-west-1", environments: '["test"]', ...raw }),
          {
            message: `Bootstrap config: ${problem}`,
          },
        );
      });
    }

    it("reads the prod account's config: a promoted environment, the images in the test account", () => {
      const config = parseBootstrapConfig({
        "aws:region": "eu-west-1",
        githubRepository: "a/b",
        environments: '["prod"]',
        imageAccountId: "210987654321",
      });
      assert.deepEqual(
        [config.environments, config.promotedEnvironments, config.imageAccountId],
        [["prod"], ["prod"], "210987654321"],
      );
    });

    it("reports every problem at once", () => {
      assert.throws(() => parseBootstrapConfig({ "aws:region": "Europe", githubRepository: "x" }), {
        message:
          'Bootstrap config: aws:region = "Europe" is not an AWS region such as eu-west-1; ' +
          'ecs-json-api-bootstrap:githubRepository = "x" is not a GitHub repository written OWNER/NAME; ' +
          "ecs-json-api-bootstrap:environments is required: the environments this account hosts, e.g. " +
          "pulumi config set --path 'environments[0]' test",
      });
    });
  });

  describe("trust policies", () => {
    it("lets only the repository's prod environment jobs assume the prod deploy role, with GitHub's audience", () => {
      assert.deepEqual(githubTrustPolicy(PROVIDER_ARN, environmentSubject(REPO, "prod")), {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "GitHubActions",
            Effect: "Allow",
            Principal: { Federated: PROVIDER_ARN },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: {
                "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                "token.actions.githubusercontent.com:sub": "repo:example-org/ecs-json-api:environment:prod",
              },
            },
          },
        ],
      });
    });

    it("names the pull_request subject for the preview role and the immutable form when ids are known", () => {
      assert.equal(pullRequestSubject(REPO), "repo:example-org/ecs-json-api:pull_request");
      const ids = { ...REPO, ids: { owner: "123456", repository: "789012" } };
      assert.equal(
        environmentSubject(ids, "test"),
        "repo:example-org@123456/ecs-json-api@789012:environment:test",
      );
      assert.equal(pullRequestSubject(ids), "repo:example-org@123456/ecs-json-api@789012:pull_request");
    });
  });

  describe("state bucket and key policies", () => {
    // The deploy role writing its own stack's files, as Pulumi's S3 backend does: no encryption header (the
    // bucket's default encryption applies the KMS key), unless a client names one.
    const deployRole = `arn:aws:iam::${ACCOUNT_ID}:role/ci/ci-deploy-test-1a2b3c4`;
    const identity = [
      deployPolicy({
        partition: "aws",
        accountId: ACCOUNT_ID,
        stateBucketArn: BUCKET_ARN,
        stateKeyArn: KEY_ARN,
        project: "ecs-json-api",
        stack: "test",
        iamPath: "/ecs-json-api/",
        boundaryArn: BOUNDARY_ARN,
        imageRepositoryArn: IMAGES_ARN,
        images: "build",
      }),
    ];
    const checkpoint = `${BUCKET_ARN}/.pulumi/stacks/ecs-json-api/test.json`;
    const lock = `${BUCKET_ARN}/.pulumi/locks/organization/ecs-json-api/test/1234.json`;
    const SSE = "s3:x-amz-server-side-encryption";
    const requests: [string, string, string, Record<string, string | boolean>, boolean][] = [
      ["a checkpoint with no encryption header, over TLS", "s3:PutObject", checkpoint, {}, true],
      ["a lock file with no encryption header, over TLS", "s3:PutObject", lock, {}, true],
      ["a checkpoint naming aws:kms", "s3:PutObject", checkpoint, { [SSE]: "aws:kms" }, true],
      ["a checkpoint naming AES256", "s3:PutObject", checkpoint, { [SSE]: "AES256" }, false],
      ["a checkpoint naming aws:kms:dsse", "s3:PutObject", checkpoint, { [SSE]: "aws:kms:dsse" }, false],
      ["a read of the checkpoint, over TLS", "s3:GetObject", checkpoint, {}, true],
    ];
    for (const [what, action, resource, context, allowed] of requests) {
      it(`${allowed ? "accepts" : "refuses"} ${what}`, () => {
        for (const tls of allowed ? [true] : [true, false]) {
          const decision = authorize(
            {
              principal: { role: deployRole },
              action,
              resource,
              context: { "aws:SecureTransport": tls, ...context },
            },
            { identity, resource: stateBucketPolicy(BUCKET_ARN), resourceAccount: ACCOUNT_ID },
          );
          assert.equal(decision.allowed, allowed, `${decision.reason} ${decision.matched.join(", ")}`);
        }
      });
    }

    it("refuses every request without TLS, reads and compliant uploads included", () => {
      for (const [action, resource] of [
        ["s3:GetObject", checkpoint],
        ["s3:PutObject", checkpoint],
        ["s3:ListBucket", BUCKET_ARN],
      ]) {
        const decision = authorize(
          { principal: { role: deployRole }, action, resource, context: { "aws:SecureTransport": false } },
          { identity, resource: stateBucketPolicy(BUCKET_ARN), resourceAccount: ACCOUNT_ID },
        );
        assert.deepEqual([decision.allowed, decision.matched], [false, ["resource:DenyInsecureTransport"]]);
      }
    });

    it("leaves the key's use to the account's IAM policies and nothing else", () => {
      assert.deepEqual(stateKeyPolicy("aws", ACCOUNT_ID).Statement, [
        {
          Sid: "AccountIamPoliciesDecide",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` },
          Action: "kms:*",
          Resource: "*",
        },
      ]);
    });
  });

  describe("preview role permissions", () => {
    it("reads the state and decrypts its secrets, and can write nothing", () => {
      const policy = previewStatePolicy(BUCKET_ARN, KEY_ARN);
      assert.deepEqual(policy.Statement, [
        { Sid: "StateBucketList", Effect: "Allow", Action: "s3:ListBucket", Resource: BUCKET_ARN },
        { Sid: "StateRead", Effect: "Allow", Action: "s3:GetObject", Resource: `${BUCKET_ARN}/.pulumi/*` },
        {
          Sid: "StateKeyDecrypt",
          Effect: "Allow",
          Action: ["kms:Decrypt", "kms:DescribeKey"],
          Resource: KEY_ARN,
        },
      ]);
    });
  });

  describe("StateBackend under mocks", () => {
    let evaluation: Evaluation;
    let outputs: Record<string, any>;
    before(async () => {
      evaluation = await runUnderMocks(
        () => {
          const state = new StateBackend("state", { ...common, aliasName: "ecs-json-api-pulumi-state" });
          return {
            backendUrl: state.backendUrl,
            secretsProvider: state.secretsProvider,
            keyAlias: state.keyAlias,
          };
        },
        { project: BOOTSTRAP_PROJECT, stack: "example" },
      );
      outputs = evaluation.outputs;
    });
    const one = (type: string) => evaluation.one(type);

    it("blocks all public access and disables ACLs", () => {
      const block = one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
      assert.deepEqual(
        [block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets],
        [true, true, true, true],
      );
      assert.deepEqual(one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule, {
        objectOwnership: "BucketOwnerEnforced",
      });
    });

    it("versions the state and encrypts it with the rotating key, with a bucket key", () => {
      assert.equal(
        one("aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration.status,
        "Enabled",
      );
      const key = one("aws:kms/key:Key");
      assert.equal(key.inputs.enableKeyRotation, true);
      assert.deepEqual(JSON.parse(key.inputs.policy), stateKeyPolicy("aws", ACCOUNT_ID));
      const [rule] = one(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      ).inputs.rules;
      assert.deepEqual(rule, {
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.state.arn },
        bucketKeyEnabled: true,
        // As every private bucket: no upload with a customer-provided key (Pulumi's backend sends none).
        blockedEncryptionTypes: ["SSE-C"],
      });
    });

    it("attaches the TLS-only policy to the bucket after its public access block", () => {
      const bucket = one("aws:s3/bucket:Bucket");
      const policy = one("aws:s3/bucketPolicy:BucketPolicy");
      assert.equal(policy.inputs.bucket, bucket.state.id);
      assert.deepEqual(JSON.parse(policy.inputs.policy), stateBucketPolicy(bucket.state.arn));
      assert.deepEqual(policy.options.dependsOn.sort(), ["state-ownership", "state-public-access"]);
      assert.equal(bucket.inputs.forceDestroy, false);
    });

    it("expires old state versions after 90 days by default", () => {
      const [rule] = one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules;
      assert.deepEqual(rule.noncurrentVersionExpiration, { noncurrentDays: 90 });
    });

    it("retains the bucket, every protection of it, the key and its alias when the bootstrap is destroyed", () => {
      const custom = evaluation.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
      assert.equal(custom.length, 9);
      for (const r of custom) assert.equal(r.options.retainOnDelete, true, `${r.type} ${r.name}`);
    });

    it("prints the login URL and the secrets provider the main project's stacks use", () => {
      const bucket = one("aws:s3/bucket:Bucket").state.bucket;
      assert.equal(outputs.backendUrl, `s3://${bucket}?region=eu-west-1`);
      assert.equal(outputs.keyAlias, "alias/ecs-json-api-pulumi-state");
      assert.equal(outputs.secretsProvider, "awskms://alias/ecs-json-api-pulumi-state?region=eu-west-1");
    });

    it("rejects a bad retention and a reserved alias with every problem named", () => {
      assert.throws(
        () => resolveStateBackendArgs({ ...common, noncurrentVersionDays: 0, aliasName: "aws/s3" }),
        {
          message:
            "StateBackend: noncurrentVersionDays 0 is not a whole number from 1 to 3650; " +
            `aliasName "aws/s3" is not a KMS alias name (letters, digits, '/', '_', '-'; not aws/...)`,
        },
      );
    });
  });

  describe("CiRoles under mocks", () => {
    const args = {
      ...common,
      repository: REPO,
      project: "ecs-json-api",
      stateBucketArn: BUCKET_ARN,
      stateKeyArn: KEY_ARN,
      boundaryArn: BOUNDARY_ARN,
    };
    let evaluation: Evaluation;
    before(async () => {
      evaluation = await runUnderMocks(() => new CiRoles("ci", args), {
        project: BOOTSTRAP_PROJECT,
        stack: "example",
      });
    });
    const trustOf = (role: RecordedResource) => JSON.parse(role.inputs.assumeRolePolicy);

    it("creates GitHub's OIDC provider for the STS audience, without a thumbprint", () => {
      const provider = evaluation.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider");
      assert.equal(provider.inputs.url, "https://token.actions.githubusercontent.com");
      assert.deepEqual(provider.inputs.clientIdLists, ["sts.amazonaws.com"]);
      assert.equal(provider.inputs.thumbprintLists, undefined);
    });

    it("creates a deploy role per environment and a preview role, outside the program's IAM path", () => {
      const roles = evaluation.resourcesOfType("aws:iam/role:Role");
      assert.deepEqual(
        roles.map((r) => [r.name, r.inputs.path]),
        [
          ["ci-deploy-test", "/ci/"],
          ["ci-deploy-prod", "/ci/"],
          ["ci-preview", "/ci/"],
        ],
      );
    });

    it("trusts each role for exactly one subject of this repository, through the created provider", () => {
      const providerArn = evaluation.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider").state.arn;
      for (const [role, subject] of [
        ["ci-deploy-test", "repo:example-org/ecs-json-api:environment:test"],
        ["ci-deploy-prod", "repo:example-org/ecs-json-api:environment:prod"],
        ["ci-preview", "repo:example-org/ecs-json-api:pull_request"],
      ]) {
        assert.deepEqual(
          trustOf(evaluation.named(role, "aws:iam/role:Role")),
          githubTrustPolicy(providerArn, subject),
        );
      }
    });

    it("gives each deploy role the deploy policy for its own stack: test builds, prod promotes", () => {
      for (const [env, images] of [
        ["test", "build"],
        ["prod", "promote"],
      ] as const) {
        const policy = evaluation.named(`ci-deploy-${env}-policy`, "aws:iam/rolePolicy:RolePolicy");
        // The mock cloud's id of the role: the policy is attached to its own environment's role.
        assert.equal(policy.inputs.role, `ci-deploy-${env}-id`);
        assert.deepEqual(
          JSON.parse(policy.inputs.policy),
          deployPolicy({
            partition: "aws",
            accountId: ACCOUNT_ID,
            stateBucketArn: BUCKET_ARN,
            stateKeyArn: KEY_ARN,
            project: "ecs-json-api",
            stack: env,
            iamPath: "/ecs-json-api/",
            boundaryArn: BOUNDARY_ARN,
            imageRepositoryArn: IMAGES_ARN,
            images,
          }),
        );
      }
    });

    it("names the image repository in the account that holds it, and refuses this account named as another", async () => {
      const prodAccount = await runUnderMocks(
        () => new CiRoles("ci", { ...args, environments: ["prod"], imageAccountId: "210987654321" }),
        { project: BOOTSTRAP_PROJECT },
      );
      const policy = JSON.parse(prodAccount.named("ci-deploy-prod-policy").inputs.policy);
      const promote = policy.Statement.find((st: { Sid: string }) => st.Sid === "PromoteImages");
      assert.equal(promote.Resource, imageRepositoryArn("aws", "eu-west-1", "210987654321", "ecs-json-api"));
      await assert.rejects(
        runUnderMocks(
          () => new CiRoles("ci", { ...args, environments: ["prod"], imageAccountId: ACCOUNT_ID }),
          {
            project: BOOTSTRAP_PROJECT,
          },
        ),
        /imageAccountId 123456789012 is this account; leave it unset when this account holds the images/,
      );
    });

    it("gives the preview role AWS's ReadOnlyAccess plus state read, and nothing else", () => {
      const attachments = evaluation.resourcesOfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
      assert.deepEqual(
        attachments.map((a) => [a.inputs.role, a.inputs.policyArn]),
        [
          [
            evaluation.named("ci-preview", "aws:iam/role:Role").state.name,
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
          ],
        ],
      );
      const inline = evaluation.named("ci-preview-state", "aws:iam/rolePolicy:RolePolicy");
      assert.deepEqual(JSON.parse(inline.inputs.policy), previewStatePolicy(BUCKET_ARN, KEY_ARN));
    });

    it("reuses an existing OIDC provider instead of creating a second one", async () => {
      const reuse = await runUnderMocks(
        () => new CiRoles("ci", { ...args, existingOidcProviderArn: PROVIDER_ARN }),
        {
          project: BOOTSTRAP_PROJECT,
        },
      );
      assert.equal(reuse.resourcesOfType("aws:iam/openIdConnectProvider:OpenIdConnectProvider").length, 0);
      const trust = trustOf(reuse.named("ci-deploy-prod", "aws:iam/role:Role"));
      assert.equal(trust.Statement[0].Principal.Federated, PROVIDER_ARN);
    });

    it("rejects bad environments and IAM paths with every problem named", () => {
      assert.throws(
        () =>
          resolveCiRolesArgs({ ...args, environments: ["test", "Prod*", "test"], programIamPath: "/ci/" }),
        {
          message:
            "CiRoles: environment \"Prod*\" is not a lower-case stack name (letters, digits, '-', '_'); " +
            'environment "test" is listed twice; programIamPath "/ci/" is not an IAM path like /ecs-json-api/ (and not /ci/)',
        },
      );
      assert.throws(() => resolveCiRolesArgs({ ...args, environments: [], imageAccountId: "12" }), {
        message:
          'CiRoles: environments is empty; name at least one; imageAccountId "12" is not a 12-digit AWS account id',
      });
    });
  });

  describe("GitHub settings", () => {
    it("prints per stack a backend and preview role variable, and an AWS_ROLE_ARN in its environment", () => {
      assert.deepEqual(
        githubVariableCommands({
          repository: "example-org/ecs-json-api",
          region: "eu-west-1",
          backendUrl: "s3://b?region=eu-west-1",
          previewRoleArn: "arn:preview",
          deployRoleArns: { test: "arn:test", prod: "arn:prod" },
        }),
        [
          "gh variable set AWS_REGION --repo example-org/ecs-json-api --body 'eu-west-1'",
          "gh variable set PULUMI_BACKEND_URL_TEST --repo example-org/ecs-json-api --body 's3://b?region=eu-west-1'",
          "gh variable set AWS_PREVIEW_ROLE_ARN_TEST --repo example-org/ecs-json-api --body 'arn:preview'",
          "gh variable set AWS_ROLE_ARN --repo example-org/ecs-json-api --env test --body 'arn:test'",
          "gh variable set PULUMI_BACKEND_URL_PROD --repo example-org/ecs-json-api --body 's3://b?region=eu-west-1'",
          "gh variable set AWS_PREVIEW_ROLE_ARN_PROD --repo example-org/ecs-json-api --body 'arn:preview'",
          "gh variable set AWS_ROLE_ARN --repo example-org/ecs-json-api --env prod --body 'arn:prod'",
        ],
      );
    });

    it("names exactly the variables the workflows read", () => {
      const workflows = readdirSync(path.join(PROJECT_ROOT, ".github", "workflows"))
        .map((f) => readFileSync(path.join(PROJECT_ROOT, ".github", "workflows", f), "utf8"))
        .join("\n");
      const read = new Set([...workflows.matchAll(/vars\.([A-Z_]+)/g)].map((m) => m[1]));
      const printed = githubVariableCommands({
        repository: "o/r",
        region: "r",
        backendUrl: "b",
        previewRoleArn: "p",
        deployRoleArns: { test: "t", prod: "p" },
      }).map((command) => command.split(" ")[3]);
      assert.deepEqual([...read].sort(), [...new Set(printed)].sort());
    });
  });

  describe("the whole bootstrap program", () => {
    it("evaluates the example (test) account: state, boundary, the shared images, one deploy role", async () => {
      const evaluation = await evaluateStack("example", { projectRoot: BOOTSTRAP_ROOT });
      const o = evaluation.outputs;
      assert.match(o.backendUrl, /^s3:\/\/state-bucket-[0-9a-f]+\?region=eu-west-1$/);
      assert.equal(o.secretsProvider, "awskms://alias/ecs-json-api-pulumi-state?region=eu-west-1");
      assert.equal(o.workloadBoundaryArn, BOUNDARY_ARN);
      assert.equal(evaluation.one("aws:ecr/repository:Repository").inputs.name, "ecs-json-api");
      assert.equal(evaluation.resourcesOfType("aws:ecr/repositoryPolicy:RepositoryPolicy").length, 0);
      assert.deepEqual(Object.keys(o.deployRoleArns), ["test"]);
      assert.deepEqual(o.githubSetup, [
        "gh variable set AWS_REGION --repo example-org/ecs-json-api --body 'eu-west-1'",
        `gh variable set PULUMI_BACKEND_URL_TEST --repo example-org/ecs-json-api --body '${o.backendUrl}'`,
        `gh variable set AWS_PREVIEW_ROLE_ARN_TEST --repo example-org/ecs-json-api --body '${o.previewRoleArn}'`,
        `gh variable set AWS_ROLE_ARN --repo example-org/ecs-json-api --env test --body '${o.deployRoleArns.test}'`,
      ]);
      assert.deepEqual(
        evaluation.resourcesOfType("aws:iam/role:Role").map((r) => [r.name, r.parent?.name]),
        [
          ["ci-deploy-test", "ci"],
          ["ci-preview", "ci"],
        ],
      );
      const policy = JSON.parse(evaluation.named("ci-deploy-test-policy").inputs.policy);
      assert.ok(policy.Statement.some((st: { Sid: string }) => st.Sid === "PushImages"));
    });

    it("evaluates a prod account: no repository of its own, a promoting deploy role, the test account's images", async () => {
      const evaluation = await evaluateStack("example", {
        projectRoot: BOOTSTRAP_ROOT,
        overrides: {
          "ecs-json-api-bootstrap:environments": '["prod"]',
          "ecs-json-api-bootstrap:imageAccountId": "210987654321",
        },
      });
      assert.equal(evaluation.resourcesOfType("aws:ecr/repository:Repository").length, 0);
      assert.deepEqual(Object.keys(evaluation.outputs.deployRoleArns), ["prod"]);
      const policy = JSON.parse(evaluation.named("ci-deploy-prod-policy").inputs.policy);
      const promote = policy.Statement.find((st: { Sid: string }) => st.Sid === "PromoteImages");
      assert.equal(promote.Resource, "arn:aws:ecr:eu-west-1:210987654321:repository/ecs-json-api");
    });

    it("lets the prod account pull and promote when the test account lists it", async () => {
      const evaluation = await evaluateStack("example", {
        projectRoot: BOOTSTRAP_ROOT,
        overrides: { "ecs-json-api-bootstrap:imagePullAccountIds": '["210987654321"]' },
      });
      const policy = JSON.parse(evaluation.one("aws:ecr/repositoryPolicy:RepositoryPolicy").inputs.policy);
      assert.deepEqual(policy.Statement[0].Principal, { AWS: ["arn:aws:iam::210987654321:root"] });
    });

    it("fails with the bootstrap's own message when the repository is not OWNER/NAME", async () => {
      await assert.rejects(
        evaluateStack("example", {
          projectRoot: BOOTSTRAP_ROOT,
          overrides: { "ecs-json-api-bootstrap:githubRepository": "just-a-name" },
        }),
        (err: Error) => {
          assert.ok(err instanceof EvaluationError);
          assert.match(
            err.message,
            /githubRepository = "just-a-name" is not a GitHub repository written OWNER\/NAME/,
          );
          return true;
        },
      );
    });
  });
});
