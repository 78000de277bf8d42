/**
 * .github/scripts/release.mjs and promote-images.mjs: a release is checked before anything uses it, and
 * promotion tags each digest idempotently, refusing a tag that names another image and a release whose images
 * the repository's lifecycle would expire. Run for real, against a fake AWS CLI that answers like ECR.
 */
import * as assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { imageLifecyclePolicy } from "../components/imageRepository";
import { PROJECT_ROOT } from "../lib/harness";
import { run } from "./runScript";

const SCRIPTS = path.join(PROJECT_ROOT, ".github", "scripts");
const REPO = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-json-api";
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const API = `${REPO}@${digest("a")}`;
const WORKER = `${REPO}@${digest("b")}`;

describe("release.mjs", () => {
  const release = (RELEASE: string, command = "check", extra: Record<string, string> = {}) =>
    run("node", [path.join(SCRIPTS, "release.mjs"), command], { RELEASE, ...extra });

  it("prints a release canonically: services sorted, no spaces", async () => {
    const result = await release(JSON.stringify({ worker: WORKER, api: API }, null, 2));
    assert.deepEqual(result, { code: 0, output: `{"api":"${API}","worker":"${WORKER}"}\n` });
    assert.deepEqual(await release(JSON.stringify({ api: API, worker: WORKER }), "refs"), {
      code: 0,
      output: `${API}\n${WORKER}\n`,
    });
  });

  const bad: [string, string, RegExp][] = [
    ["not JSON", "api=x", /the release is not JSON/],
    ["a list", JSON.stringify([API]), /not a JSON object of service to image/],
    ["empty", "{}", /names no service/],
    [
      "a tag instead of a digest",
      JSON.stringify({ api: `${REPO}:api-0123456789abcdef` }),
      /not an ECR image pinned by digest/,
    ],
    ["a short digest", JSON.stringify({ api: API.slice(0, -1) }), /not an ECR image pinned by digest/],
    [
      "an image outside ECR",
      JSON.stringify({ api: `docker.io/library/node@${digest("c")}` }),
      /not an ECR image/,
    ],
    ["a quote in a service name", JSON.stringify({ "api'": API }), /service "api'" is not a service name/],
    [
      "images from two repositories",
      JSON.stringify({ api: API, worker: WORKER.replace("ecs-json-api", "other") }),
      /the images come from 2 repositories, not one/,
    ],
  ];
  for (const [what, text, message] of bad) {
    it(`refuses ${what}, with exit code 2`, async () => {
      const result = await release(text);
      assert.equal(result.code, 2);
      assert.match(result.output, message);
    });
  }

  it("compares what a stack runs with what was promoted, whatever the key order", async () => {
    const same = await release(JSON.stringify({ api: API, worker: WORKER }), "same", {
      DEPLOYED: JSON.stringify({ worker: WORKER, api: API }),
    });
    assert.equal(same.code, 0, same.output);
    const other = await release(JSON.stringify({ api: API }), "same", {
      DEPLOYED: JSON.stringify({ api: WORKER }),
    });
    assert.equal(other.code, 1);
    assert.match(other.output, /the stack runs .* not /);
  });
});

describe("promote-images.mjs", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "fake-ecr-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  interface Image {
    digest: string;
    tags: string[];
    pushedAt: string;
    manifest?: string;
  }
  /**
   * A fake `aws` that answers like ECR from a JSON state file and records its calls. put-image fails like ECR:
   * ImageAlreadyExistsException when the tag is already on that digest, ImageTagAlreadyExistsException when an
   * (immutable) repository has the tag on another image.
   */
  function fakeEcr(
    images: Image[],
    lifecycle = imageLifecyclePolicy({
      promotedTagPrefix: "prod-",
      promotedRetainDays: 3650,
      buildRetainCount: 30,
    }),
  ) {
    writeFileSync(
      path.join(dir, "state.json"),
      JSON.stringify({ images, lifecycle: JSON.stringify(lifecycle) }),
    );
    const fake = path.join(dir, "aws");
    writeFileSync(
      fake,
      `#!/usr/bin/env node
const fs = require("node:fs");
const [service, command, ...args] = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(path.join(dir, "calls"))}, JSON.stringify([service, command, ...args]) + "\\n");
const file = ${JSON.stringify(path.join(dir, "state.json"))};
const state = JSON.parse(fs.readFileSync(file, "utf8"));
const arg = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const fail = (code, message) => { process.stderr.write("An error occurred (" + code + ") when calling the operation: " + message + "\\n"); process.exit(254); };
const manifest = (d) => d.manifest ?? JSON.stringify({ schemaVersion: 2, layers: [d.digest] });
switch (command) {
  case "get-lifecycle-policy": console.log(JSON.stringify({ lifecyclePolicyText: state.lifecycle })); break;
  case "batch-get-image": {
    const d = state.images.find((i) => "imageDigest=" + i.digest === arg("--image-ids"));
    console.log(JSON.stringify(d
      ? { images: [{ imageId: { imageDigest: d.digest }, imageManifest: manifest(d), imageManifestMediaType: "application/vnd.oci.image.index.v1+json" }], failures: [] }
      : { images: [], failures: [{ failureCode: "ImageNotFound" }] }));
    break;
  }
  case "put-image": {
    const d = state.images.find((i) => i.digest === arg("--image-digest"));
    if (!d || manifest(d) !== arg("--image-manifest")) fail("ImageDigestDoesNotMatchException", "digest mismatch");
    if (arg("--image-manifest-media-type") !== "application/vnd.oci.image.index.v1+json") fail("InvalidParameterException", "media type");
    const tag = arg("--image-tag");
    if (d.tags.includes(tag)) fail("ImageAlreadyExistsException", "Image with digest and tag already exists");
    if (state.images.some((i) => i.tags.includes(tag))) fail("ImageTagAlreadyExistsException", "tag is immutable");
    d.tags.push(tag);
    fs.writeFileSync(file, JSON.stringify(state));
    console.log("{}");
    break;
  }
  case "describe-images": {
    const ids = arg("--image-ids");
    const found = ids
      ? state.images.filter((i) => "imageTag=" + i.tags.find((t) => "imageTag=" + t === ids) === ids)
      : state.images.filter((i) => i.tags.length > 0);
    if (ids && found.length === 0) fail("ImageNotFoundException", "no such tag");
    console.log(JSON.stringify({ imageDetails: found.map((i) => ({ imageDigest: i.digest, imageTags: i.tags, imagePushedAt: i.pushedAt })) }));
    break;
  }
  default: process.exit(9);
}
`,
    );
    chmodSync(fake, 0o755);
    return { PATH: `${dir}:${process.env.PATH}` };
  }
  const state = (): { images: Image[] } => JSON.parse(readFileSync(path.join(dir, "state.json"), "utf8"));
  const calls = (): string[][] =>
    readFileSync(path.join(dir, "calls"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
  const promote = (env: Record<string, string>, release = { api: API, worker: WORKER }) =>
    run("node", [path.join(SCRIPTS, "promote-images.mjs")], {
      RELEASE: JSON.stringify(release),
      PROMOTION_TAG_SUFFIX: "4242-1",
      ...env,
    });
  const day = (n: number) => new Date(Date.UTC(2026, 0, n)).toISOString();
  const builds = (): Image[] => [
    { digest: digest("a"), tags: ["api-0123456789abcdef"], pushedAt: day(20) },
    { digest: digest("b"), tags: ["worker-fedcba9876543210"], pushedAt: day(19) },
  ];

  it("tags each digest of the release, with its exact manifest, and reads the tag back", async () => {
    const result = await promote(fakeEcr(builds()));
    assert.equal(result.code, 0, result.output);
    assert.deepEqual(
      state().images.map((i) => i.tags),
      [
        ["api-0123456789abcdef", "prod-api-4242-1"],
        ["worker-fedcba9876543210", "prod-worker-4242-1"],
      ],
    );
    const put = calls().find((c) => c[1] === "put-image") ?? [];
    assert.deepEqual(put.slice(2, 8), [
      "--region",
      "eu-west-1",
      "--registry-id",
      "123456789012",
      "--repository-name",
      "ecs-json-api",
    ]);
    assert.match(result.output, /api: prod-api-4242-1 -> sha256:a{64}/);
  });

  it("succeeds again when re-run: the tag already on that digest (ImageAlreadyExistsException) is fine", async () => {
    const env = fakeEcr(builds());
    assert.equal((await promote(env)).code, 0);
    const again = await promote(env);
    assert.equal(again.code, 0, again.output);
    assert.equal(state().images[0].tags.filter((t) => t === "prod-api-4242-1").length, 1);
  });

  it("fails when the tag already names another image (ImageTagAlreadyExistsException)", async () => {
    const images = [...builds(), { digest: digest("c"), tags: ["prod-api-4242-1"], pushedAt: day(21) }];
    const result = await promote(fakeEcr(images));
    assert.equal(result.code, 1);
    assert.match(result.output, /api: the tag prod-api-4242-1 names sha256:c{64}, not sha256:a{64}/);
  });

  it("fails, naming the service, when an image is not in the repository", async () => {
    const result = await promote(fakeEcr(builds().slice(0, 1)));
    assert.equal(result.code, 1);
    assert.match(result.output, /worker: .*sha256:b{64} is not in the repository/);
  });

  it("tags nothing when the lifecycle would expire an image of the release while the stack runs it", async () => {
    // The worker's image has not changed since 1 January 2026; a rule keeping promoted images 90 days would
    // expire it within a month of now. Another rule's count ranks it behind three newer promoted images.
    const images: Image[] = [
      { digest: digest("a"), tags: ["api-1"], pushedAt: new Date().toISOString() },
      { digest: digest("b"), tags: ["worker-1", "prod-worker-1-1"], pushedAt: day(1) },
      { digest: digest("c"), tags: ["api-0", "prod-api-1-1"], pushedAt: day(10) },
      { digest: digest("d"), tags: ["api-00", "prod-api-2-1"], pushedAt: day(12) },
    ];
    const byAge = imageLifecyclePolicy({
      promotedTagPrefix: "prod-",
      promotedRetainDays: 90,
      buildRetainCount: 30,
    });
    const result = await promote(fakeEcr(images, byAge));
    assert.equal(result.code, 1);
    assert.match(
      result.output,
      /the images of worker were first pushed more than 60 days ago and are kept 90 days/,
    );
    assert.ok(!calls().some((c) => c[1] === "put-image"), "nothing was tagged");
    // The default keeps promoted images ten years.
    assert.equal((await promote(fakeEcr(images))).code, 0);
  });

  it("refuses a release it cannot check or a missing tag suffix, touching nothing", async () => {
    const env = fakeEcr(builds());
    assert.equal((await promote(env, { api: `${REPO}:latest` } as never)).code, 2);
    const noSuffix = await promote({ ...env, PROMOTION_TAG_SUFFIX: "" });
    assert.equal(noSuffix.code, 2);
    assert.match(noSuffix.output, /set PROMOTION_TAG_SUFFIX/);
  });

  it("reads the retention from the lifecycle rule on promoted tags, by count or by age", async () => {
    const { promotedRule, imagesPushedOut, imagesExpiringByAge } = await import(
      pathToFileURL(path.join(SCRIPTS, "promote-images.mjs")).href
    );
    const text = JSON.stringify(
      imageLifecyclePolicy({ promotedTagPrefix: "prod-", promotedRetainDays: 365, buildRetainCount: 9 }),
    );
    assert.deepEqual(promotedRule(text, "prod-"), { days: 365 });
    assert.equal(promotedRule(text, "release-"), undefined);
    const byCount = {
      rules: [{ selection: { tagPatternList: ["prod-*"], countType: "imageCountMoreThan", countNumber: 7 } }],
    };
    assert.deepEqual(promotedRule(JSON.stringify(byCount), "prod-"), { count: 7 });
    const details = [
      { imageDigest: "new", imageTags: ["prod-x"], imagePushedAt: day(3) },
      { imageDigest: "old", imageTags: ["x"], imagePushedAt: day(1) },
    ];
    assert.deepEqual(imagesPushedOut(details, ["old"], "prod-", 1), ["old"]);
    assert.deepEqual(imagesPushedOut(details, ["old"], "prod-", 2), []);
    assert.deepEqual(imagesPushedOut(details, ["gone"], "prod-", 1), []);
    // Kept 100 days, refused within 30 days of expiry: on 13 March (day 72) an image first pushed on 1 January
    // is (71 days old), one pushed on 3 January is not yet (69); on 11 March neither is. Kept 365 days: none is.
    const now = Date.parse(day(72));
    assert.deepEqual(imagesExpiringByAge(details, ["old", "new"], 100, now), ["old"]);
    assert.deepEqual(imagesExpiringByAge(details, ["old", "new"], 100, Date.parse(day(70))), []);
    assert.deepEqual(imagesExpiringByAge(details, ["old", "new"], 365, now), []);
  });
});
