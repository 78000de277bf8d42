/**
 * components/imageRepository.ts: the shared repository's args, its lifecycle (run through a model of ECR's
 * documented lifecycle evaluation, itself checked against the ECR guide's worked example), its cross-account
 * policy (run through lib/iam), and the component under mocks.
 */
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import {
  crossAccountRepositoryPolicy,
  ImageRepository,
  imageLifecyclePolicy,
  type LifecyclePolicyDocument,
  resolveImageRepositoryArgs,
} from "../components/imageRepository";
import { ACCOUNT_ID, runUnderMocks } from "../lib/harness";
import { authorize } from "../lib/iam";

const PROD = "222222222222";
const common = { region: "eu-west-1", tags: { project: "ecs-json-api" } };

/** An image in a repository: its tags (none = untagged) and its push time in days ago. */
interface Image {
  id: string;
  tags: string[];
  pushedDaysAgo: number;
}

/** ECR's tag pattern: `*` is any run of characters; the rest is literal. */
const tagMatches = (pattern: string, tag: string) =>
  new RegExp(
    `^${pattern
      .split("*")
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  ).test(tag);

/**
 * The images a lifecycle policy expires, following "Lifecycle policy evaluation rules" (LifecyclePolicies.html):
 * all rules are evaluated, then applied by priority; an image is expired by at most one rule; "an image that
 * matches the tagging requirements of a rule cannot be expired by a rule with a lower priority"; lower rules
 * still count such images "as if they haven't been expired"; with imageCountMoreThan, images are sorted newest
 * first by push time and those past the count are expired; with tagPatternList, every pattern must match one
 * of the image's tags.
 */
function expiredBy(policy: LifecyclePolicyDocument, images: Image[]): Map<string, number> {
  const rules = [...policy.rules].sort((a, b) => a.rulePriority - b.rulePriority);
  const selects = (rule: LifecyclePolicyDocument["rules"][number], image: Image) => {
    const s = rule.selection;
    if (s.tagStatus === "untagged") return image.tags.length === 0;
    if (s.tagStatus === "any") return true;
    return (
      image.tags.length > 0 && (s.tagPatternList ?? []).every((p) => image.tags.some((t) => tagMatches(p, t)))
    );
  };
  const expired = new Map<string, number>();
  rules.forEach((rule, i) => {
    const selected = images
      .filter((image) => selects(rule, image))
      .sort((a, b) => a.pushedDaysAgo - b.pushedDaysAgo);
    const marked =
      rule.selection.countType === "imageCountMoreThan"
        ? selected.slice(rule.selection.countNumber)
        : selected.filter((image) => image.pushedDaysAgo > rule.selection.countNumber);
    for (const image of marked) {
      if (expired.has(image.id)) continue;
      if (rules.slice(0, i).some((higher) => selects(higher, image))) continue;
      expired.set(image.id, rule.rulePriority);
    }
  });
  return expired;
}

describe("ImageRepository", () => {
  describe("args", () => {
    it("defaults to prod- promotion tags kept ten years, 30 build images, no other account", () => {
      const r = resolveImageRepositoryArgs({ ...common, repositoryName: "ecs-json-api" }, false);
      assert.deepEqual(r, {
        repositoryName: "ecs-json-api",
        promotedTagPrefix: "prod-",
        promotedRetainDays: 3650,
        buildRetainCount: 30,
        pullAccountIds: [],
        promoterRolePath: "/ci/",
        kmsKeyArn: undefined,
      });
    });

    it("reports every problem at once", () => {
      assert.throws(
        () =>
          resolveImageRepositoryArgs(
            {
              repositoryName: "Ecs_Json",
              promotedTagPrefix: "prod*",
              promotedRetainDays: 0,
              buildRetainCount: 1.5,
              pullAccountIds: ["12345", PROD, PROD],
              promoterRolePath: "ci",
            },
            false,
          ),
        {
          message:
            'ImageRepository: repositoryName "Ecs_Json" is not an ECR repository name (lower-case, 2-256); ' +
            'promotedTagPrefix "prod*" is not the start of an image tag (no wildcard); ' +
            "promotedRetainDays 0 is not a whole number from 1 to 3650; " +
            "buildRetainCount 1.5 is not a whole number from 1 to 10000; " +
            'pullAccountIds: "12345" is not a 12-digit AWS account id; ' +
            `pullAccountIds: ${PROD} is listed twice; ` +
            'promoterRolePath "ci" is not an IAM path such as /ci/; ' +
            "region and tags are required when no aws provider is passed",
        },
      );
    });
  });

  describe("lifecycle, as ECR evaluates it", () => {
    it("the model reproduces the ECR guide's Example A (rule 1 prod, rule 2 beta: only image A expires)", () => {
      const exampleA: LifecyclePolicyDocument = {
        rules: [1, 2].map((rulePriority) => ({
          rulePriority,
          description: `Rule ${rulePriority}`,
          selection: {
            tagStatus: "tagged" as const,
            tagPatternList: [rulePriority === 1 ? "prod*" : "beta*"],
            countType: "imageCountMoreThan" as const,
            countNumber: 1,
          },
          action: { type: "expire" as const },
        })),
      };
      const images = [
        { id: "A", tags: ["beta-1", "prod-1"], pushedDaysAgo: 10 },
        { id: "B", tags: ["beta-2", "prod-2"], pushedDaysAgo: 9 },
        { id: "C", tags: ["beta-3"], pushedDaysAgo: 8 },
      ];
      assert.deepEqual([...expiredBy(exampleA, images).keys()], ["A"]);
    });

    // 60 days of builds, one a day; every third one was promoted.
    const history: Image[] = Array.from({ length: 60 }, (_, day) => ({
      id: `build-${day}`,
      tags: day % 3 === 0 ? [`api-${day}`, `prod-api-${day}`] : [`api-${day}`],
      pushedDaysAgo: day,
    }));
    const policy = imageLifecyclePolicy({
      promotedTagPrefix: "prod-",
      promotedRetainDays: 45,
      buildRetainCount: 10,
    });
    const expired = expiredBy(policy, history);

    it("never expires a promoted image by the build rule, however old", () => {
      const promoted = history.filter((i) => i.tags.some((t) => t.startsWith("prod-")));
      for (const image of promoted) assert.notEqual(expired.get(image.id), 3, image.id);
    });

    it("keeps promoted images for their days after the first push, and expires older ones by that rule only", () => {
      const kept = history.filter((i) => i.tags.some((t) => t.startsWith("prod-")) && !expired.has(i.id));
      assert.deepEqual(
        kept.map((i) => i.id),
        Array.from({ length: 16 }, (_, k) => `build-${3 * k}`),
      );
      assert.equal(expired.get("build-48"), 2);
    });

    it("cannot be made to expire a promoted image sooner by pushing more promoted tags", () => {
      // Whoever can push (the test deploy role can, and ECR has no condition key on the tag a push writes)
      // floods the repository with 200 fresh prod-* images: the images prod runs are kept all the same.
      const flood: Image[] = Array.from({ length: 200 }, (_, k) => ({
        id: `flood-${k}`,
        tags: [`prod-x-${k}`],
        pushedDaysAgo: 0,
      }));
      const withFlood = expiredBy(policy, [...history, ...flood]);
      for (const image of history.filter((i) => i.tags.some((t) => t.startsWith("prod-")))) {
        assert.equal(withFlood.get(image.id), expired.get(image.id), image.id);
      }
    });

    it("keeps the newest builds, counting the promoted ones among them", () => {
      const keptBuilds = history.filter((i) => i.tags.length === 1 && !expired.has(i.id)).map((i) => i.id);
      // The newest 10 tagged images are days 0-9; four of them (0, 3, 6, 9) are promoted.
      assert.deepEqual(keptBuilds, ["build-1", "build-2", "build-4", "build-5", "build-7", "build-8"]);
    });

    it("expires untagged images after a day", () => {
      const untagged = expiredBy(policy, [
        { id: "fresh", tags: [], pushedDaysAgo: 0 },
        { id: "stale", tags: [], pushedDaysAgo: 2 },
      ]);
      assert.deepEqual([...untagged], [["stale", 1]]);
    });
  });

  describe("repository policy", () => {
    const repo = `arn:aws:ecr:eu-west-1:${ACCOUNT_ID}:repository/ecs-json-api`;
    const policy = crossAccountRepositoryPolicy("aws", [PROD], "/ci/") as aws.iam.PolicyDocument;
    const everything = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "ecr:*", Resource: "*" }],
    };
    const ask = (role: string, action: string) =>
      authorize({ principal: { role }, action, resource: repo }, { identity: [everything], resource: policy })
        .allowed;
    const deployer = `arn:aws:iam::${PROD}:role/ci/ci-deploy-prod-9z8y7x6`;
    const worker = `arn:aws:iam::${PROD}:role/ecs-json-api/api-prod-svc-execution-role`;

    it("has none when no other account pulls", () => {
      assert.equal(crossAccountRepositoryPolicy("aws", [], "/ci/"), undefined);
    });

    it("lets the other account's roles pull, and only its CI roles add tags", () => {
      for (const action of [
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchCheckLayerAvailability",
      ]) {
        assert.equal(ask(worker, action), true, action);
      }
      assert.equal(ask(deployer, "ecr:PutImage"), true);
      assert.equal(ask(deployer, "ecr:DescribeImages"), true);
      assert.equal(ask(worker, "ecr:PutImage"), false);
    });

    it("lets no other account delete images or change the repository, whatever its own policies say", () => {
      for (const action of [
        "ecr:BatchDeleteImage",
        "ecr:DeleteRepository",
        "ecr:SetRepositoryPolicy",
        "ecr:PutLifecyclePolicy",
        "ecr:InitiateLayerUpload",
      ]) {
        assert.equal(ask(deployer, action), false, action);
      }
      assert.equal(ask("arn:aws:iam::333333333333:role/ci/x", "ecr:BatchGetImage"), false);
    });
  });

  describe("under mocks", () => {
    it("creates a scanned, encrypted repository named for lookup whose promoted tags are immutable and build tags not", async () => {
      const evaluation = await runUnderMocks(
        () => new ImageRepository("images", { ...common, repositoryName: "ecs-json-api" }),
      );
      const repo = evaluation.one("aws:ecr/repository:Repository");
      assert.deepEqual(
        [repo.name, repo.inputs.name, repo.inputs.imageTagMutability, repo.inputs.imageScanningConfiguration],
        ["images-repo", "ecs-json-api", "MUTABLE_WITH_EXCLUSION", { scanOnPush: true }],
      );
      // A revert rebuilds a build tag that exists, so build tags may move; a promoted tag never does.
      assert.deepEqual(repo.inputs.imageTagMutabilityExclusionFilters, [
        { filter: "prod-*", filterType: "WILDCARD" },
      ]);
      assert.deepEqual(repo.inputs.encryptionConfigurations, [{ encryptionType: "AES256" }]);
      assert.equal(repo.inputs.forceDelete, false);
      const lifecycle = evaluation.one("aws:ecr/lifecyclePolicy:LifecyclePolicy");
      assert.deepEqual(
        JSON.parse(lifecycle.inputs.policy),
        imageLifecyclePolicy(
          resolveImageRepositoryArgs({ ...common, repositoryName: "ecs-json-api" }, false),
        ),
      );
      assert.equal(evaluation.resourcesOfType("aws:ecr/repositoryPolicy:RepositoryPolicy").length, 0);
      for (const r of evaluation.resources.filter(
        (r) => r.custom && !r.type.startsWith("pulumi:providers:"),
      )) {
        assert.equal(r.options.retainOnDelete, true, r.name);
      }
      assert.equal(evaluation.providerOf(repo)?.name, "images-aws");
    });

    it("attaches the cross-account policy when other accounts pull, and uses the caller's provider", async () => {
      let provider: pulumi.ProviderResource | undefined;
      const evaluation = await runUnderMocks(() => {
        provider = new aws.Provider("caller", { region: "eu-west-1" });
        return new ImageRepository(
          "images",
          { repositoryName: "ecs-json-api", pullAccountIds: [PROD] },
          { provider },
        );
      });
      const policy = evaluation.one("aws:ecr/repositoryPolicy:RepositoryPolicy");
      assert.deepEqual(JSON.parse(policy.inputs.policy), crossAccountRepositoryPolicy("aws", [PROD], "/ci/"));
      assert.equal(evaluation.providerOf(evaluation.one("aws:ecr/repository:Repository"))?.name, "caller");
      assert.equal(evaluation.resourcesOfType("pulumi:providers:aws").length, 1);
    });

    it("uses the caller's provider given as providers.aws too, and then needs no region or tags", async () => {
      const evaluation = await runUnderMocks(() => {
        const aws_ = new aws.Provider("caller", { region: "eu-west-1" });
        return new ImageRepository(
          "images",
          { repositoryName: "ecs-json-api" },
          { providers: { aws: aws_ } },
        );
      });
      assert.equal(evaluation.providerOf(evaluation.one("aws:ecr/repository:Repository"))?.name, "caller");
      assert.equal(evaluation.resourcesOfType("pulumi:providers:aws").length, 1);
    });
  });
});
