/** Registry: how each service's image is chosen (pure), built, released and recorded (under mocks). */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import { ArgumentError, valueProblems } from "../../components/args";
import { buildContextTag } from "../../components/buildContext";
import {
  DIGEST_REFERENCE,
  digestReference,
  imageChoices,
  REGISTRY_ARGS,
  Registry,
  type RegistryArgs,
  registryArgsProblems,
} from "../../components/registry";
import { ACCOUNT_ID, type Evaluation, type RunOptions, runUnderMocks } from "../../lib/harness";
import { checkStack } from "../../lib/policy";

const SHARED = `${ACCOUNT_ID}.dkr.ecr.eu-west-1.amazonaws.com/ecs-json-api`;
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const PREBUILT = `${ACCOUNT_ID}.dkr.ecr.eu-west-1.amazonaws.com/ci/web@${digest("b")}`;
const RELEASED = `${SHARED}@${digest("c")}`;
const RECORDED = `${SHARED}@${digest("d")}`;
const TAGS = { project: "ecs-json-api", stack: "test" };
const IMAGE = "docker:index/image:Image";
const PARAMETER = "aws:ssm/parameter:Parameter";

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "registry-test-"));
after(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));
let folders = 0;
/** A build folder with a Dockerfile and one source file. */
function buildFolder(source = "export const app = 1;\n"): string {
  const dir = path.join(tmpRoot, `service-${folders++}`);
  fs.mkdirSync(path.join(dir, "src"), { recursive: true });
  fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM node:24\nCOPY . .\n");
  fs.writeFileSync(path.join(dir, "src/app.ts"), source);
  return dir;
}
const FOLDER = buildFolder();

/** Evaluates a Registry named `registry`; outputs its images, choices, build tags, release and records. */
function evaluate(args: Partial<RegistryArgs>, options: RunOptions = {}): Promise<Evaluation> {
  return runUnderMocks(() => {
    const r = new Registry("registry", {
      tags: TAGS,
      architecture: "x86_64",
      services: { api: { build: FOLDER } },
      ...args,
    });
    return {
      images: r.images,
      choices: r.choices,
      buildTags: r.buildTags,
      release: r.release,
      records: r.records.map((p) => (p as unknown as { __name: string }).__name),
    };
  }, options);
}

/** Matches an error whose message ends with `text` (Pulumi prefixes where in the outputs it surfaced). */
const endsWith = (text: string) => (err: unknown) => {
  assert.ok(err instanceof Error);
  assert.ok(err.message.endsWith(text), err.message);
  return true;
};

describe("registryArgsProblems", () => {
  it("has defaults that pass their own rules", () => {
    for (const [arg, spec] of Object.entries(REGISTRY_ARGS)) {
      assert.deepEqual(valueProblems(arg, spec, spec.default), [], arg);
    }
    assert.deepEqual(
      registryArgsProblems({ architecture: "x86_64", services: { api: { build: FOLDER } } }),
      [],
    );
  });

  const refusals: [what: string, args: Partial<RegistryArgs>, problem: string][] = [
    [
      "a service name that cannot be an image tag, a parameter name and a resource name",
      { services: { Web_1: { image: PREBUILT } } },
      "service \"Web_1\" is not a service name (a lower-case letter, then up to 14 lower-case letters, digits or '-')",
    ],
    [
      "a prebuilt image pinned by tag",
      { services: { web: { image: `${SHARED}:latest` } } },
      `web's image "${SHARED}:latest" is not an image reference pinned by digest, <registry>/<repository>@sha256:<64 hex digits>`,
    ],
    [
      "a build folder that does not exist",
      { services: { api: { build: path.join(tmpRoot, "absent") } } },
      `api's build folder "${path.join(tmpRoot, "absent")}" is not a directory (relative to ${process.cwd()})`,
    ],
    [
      "a build folder without its Dockerfile",
      { services: { api: { build: FOLDER, dockerfile: path.join(FOLDER, "Missing.Dockerfile") } } },
      `api's Dockerfile "${path.join(FOLDER, "Missing.Dockerfile")}" does not exist (relative to ${process.cwd()})`,
    ],
    [
      "a Dockerfile outside its build folder, which the tag could not see change",
      { services: { api: { build: path.join(FOLDER, "src"), dockerfile: path.join(FOLDER, "Dockerfile") } } },
      `api's Dockerfile "${path.join(FOLDER, "Dockerfile")}" is outside its build folder "${path.join(FOLDER, "src")}"; keep it inside`,
    ],
    [
      "a release for a service that does not exist",
      { release: { web: RELEASED } },
      'release names "web", which is not a service; services: api',
    ],
    [
      "a release that is not pinned by digest",
      { release: { api: `${SHARED}:v1` } },
      `release gives api "${SHARED}:v1", not an image reference pinned by digest, <registry>/<repository>@sha256:<64 hex digits>`,
    ],
    [
      "a repository name ECR would refuse",
      { imageRepositoryName: "Ecs_Json" },
      'imageRepositoryName = "Ecs_Json" is not allowed; expected an ECR repository name such as ecs-json-api',
    ],
  ];
  for (const [what, args, problem] of refusals) {
    it(`refuses ${what}`, () => {
      assert.deepEqual(
        registryArgsProblems({ architecture: "x86_64", services: { api: { build: FOLDER } }, ...args }),
        [problem],
      );
    });
  }

  it("reports every problem at once, naming its arguments through the label", () => {
    const problems = registryArgsProblems(
      {
        architecture: "x86_64",
        services: { api: { build: FOLDER }, web: { image: "nginx:latest" } },
        release: { api: "nope", cache: RELEASED },
      },
      (arg) => `ecs-json-api:${arg}`,
    );
    assert.deepEqual(problems, [
      `web's image "nginx:latest" is not an image reference pinned by digest, <registry>/<repository>@sha256:<64 hex digits>`,
      `ecs-json-api:release gives api "nope", not an image reference pinned by digest, <registry>/<repository>@sha256:<64 hex digits>`,
      'ecs-json-api:release names "cache", which is not a service; services: api, web',
    ]);
  });
});

describe("DIGEST_REFERENCE", () => {
  const cases: [string, boolean][] = [
    [RELEASED, true],
    [`registry.example.com:5000/team/api@${digest("e")}`, true],
    [`${SHARED}:latest`, false],
    [`${SHARED}@sha256:abc`, false],
    [`${SHARED}@${digest("E")}`, false],
    [`api@${digest("e")}`, false],
  ];
  for (const [reference, pinned] of cases) {
    it(`${pinned ? "accepts" : "refuses"} ${reference}`, () =>
      assert.equal(DIGEST_REFERENCE.test(reference), pinned));
  }
});

describe("imageChoices", () => {
  // Every combination of the three inputs, and the choice the documented order makes.
  const cases: [source: "image" | "build", released: boolean, buildImages: boolean, choice: string][] = [
    ["image", true, true, "prebuilt"],
    ["image", true, false, "prebuilt"],
    ["image", false, true, "prebuilt"],
    ["image", false, false, "prebuilt"],
    ["build", true, true, "release"],
    ["build", true, false, "release"],
    ["build", false, true, "build"],
    ["build", false, false, "recorded"],
  ];
  for (const [source, released, buildImages, choice] of cases) {
    it(`chooses ${choice} for ${source === "image" ? "a prebuilt image" : "a build folder"}${released ? ", released" : ""}, ${buildImages ? "" : "not "}building`, () => {
      const choices = imageChoices({
        architecture: "x86_64",
        services: { api: source === "image" ? { image: PREBUILT } : { build: FOLDER } },
        release: released ? { api: RELEASED } : undefined,
        buildImages,
      });
      assert.deepEqual(choices, { api: choice });
    });
  }

  it("builds by default", () => {
    assert.deepEqual(imageChoices({ architecture: "x86_64", services: { api: { build: FOLDER } } }), {
      api: "build",
    });
  });
});

describe("digestReference", () => {
  it("points into the shared repository with the pushed digest, whatever name Docker listed it under", () => {
    assert.equal(digestReference(SHARED, `localhost:5000/other@${digest("a")}`), `${SHARED}@${digest("a")}`);
  });

  it("refuses a push result without a digest", () => {
    assert.throws(
      () => digestReference(SHARED, "sha256:abc"),
      /^Error: Registry: the pushed image has no sha256 digest \(repoDigest "sha256:abc"\)$/,
    );
  });
});

describe("Registry", () => {
  describe("building", () => {
    let e: Evaluation;
    before(async () => {
      e = await evaluate({ services: { api: { build: FOLDER }, web: { build: buildFolder("web") } } });
    });

    it("builds each service's folder for the instances' platform, into the shared repository", () => {
      const images = e.resourcesOfType(IMAGE);
      assert.deepEqual(images.map((i) => i.name).sort(), ["registry-image-api", "registry-image-web"]);
      const api = e.named("registry-image-api").inputs;
      assert.deepEqual(api.build, {
        context: FOLDER,
        dockerfile: path.join(FOLDER, "Dockerfile"),
        platform: "linux/amd64",
      });
      assert.deepEqual(
        e.invokesOf("aws:ecr/getRepository:getRepository").map((i) => i.args.name),
        ["ecs-json-api"],
      );
    });

    it("tags each build `<service>-<hash of its folder>`, so services never share a tag", () => {
      const tag = `api-${buildContextTag(FOLDER, "linux/amd64")}`;
      assert.equal(e.named("registry-image-api").inputs.imageName, `${SHARED}:${tag}`);
      assert.equal(e.outputs.buildTags.api, tag);
      assert.match(e.outputs.buildTags.web, /^web-[0-9a-f]{16}$/);
    });

    it("pushes to the repository's registry with the Docker engine's login, keeping no token in the stack's state", () => {
      assert.deepEqual(e.named("registry-image-api").inputs.registry, {
        server: `${ACCOUNT_ID}.dkr.ecr.eu-west-1.amazonaws.com`,
      });
      assert.deepEqual(e.invokesOf("aws:ecr/getAuthorizationToken:getAuthorizationToken"), []);
    });

    it("runs each built image by its digest in the shared repository, never by tag", () => {
      const pushed = e.named("registry-image-api").state.repoDigest.split("@")[1];
      assert.equal(e.outputs.images.api, `${SHARED}@${pushed}`);
      for (const image of Object.values(e.outputs.images)) assert.match(String(image), DIGEST_REFERENCE);
      assert.deepEqual(e.outputs.choices, { api: "build", web: "build" });
    });

    it("records each deployed image in one SSM parameter per service, under the stack's path", () => {
      const records = e.resourcesOfType(PARAMETER);
      assert.deepEqual(records.map((p) => [p.inputs.name, p.inputs.value, p.inputs.type]).sort(), [
        ["/ecs-json-api/test/release/api", e.outputs.images.api, "String"],
        ["/ecs-json-api/test/release/web", e.outputs.images.web, "String"],
      ]);
      assert.deepEqual([...e.outputs.records].sort(), records.map((p) => p.name).sort());
      // SSM PutParameter Description: at most 1024 characters.
      for (const p of records) assert.ok(p.inputs.description.length <= 1024);
    });

    it("outputs the images as a release another stack can deploy", () => {
      assert.deepEqual(e.outputs.release, e.outputs.images);
      assert.deepEqual(
        registryArgsProblems({
          architecture: "x86_64",
          services: { api: { build: FOLDER }, web: { build: FOLDER } },
          release: e.outputs.release,
        }),
        [],
      );
    });

    it("passes the project's policy pack", async () => {
      assert.deepEqual((await checkStack(e)).violations, []);
    });
  });

  it("builds for linux/arm64 on arm64 instances, with that platform's tag", async () => {
    const e = await evaluate({ architecture: "arm64" });
    assert.equal(e.one(IMAGE).inputs.build.platform, "linux/arm64");
    assert.equal(e.outputs.buildTags.api, `api-${buildContextTag(FOLDER, "linux/arm64")}`);
  });

  it("pushes a folder reverted to earlier content to its earlier tag (the shared repository lets build tags move)", async () => {
    const folder = buildFolder("v1");
    const imageName = async () =>
      (await evaluate({ services: { api: { build: folder } } })).one(IMAGE).inputs.imageName;
    const first = await imageName();
    fs.writeFileSync(path.join(folder, "src/app.ts"), "v2");
    const second = await imageName();
    fs.writeFileSync(path.join(folder, "src/app.ts"), "v1");
    assert.notEqual(second, first);
    assert.equal(await imageName(), first);
  });

  describe("a release", () => {
    let e: Evaluation;
    before(async () => {
      e = await evaluate({
        services: { api: { build: FOLDER }, web: { build: FOLDER } },
        release: { api: RELEASED },
      });
    });

    it("deploys the released digest as is, and builds only the services it does not name", () => {
      assert.equal(e.outputs.images.api, RELEASED);
      assert.deepEqual(
        e.resourcesOfType(IMAGE).map((i) => i.name),
        ["registry-image-web"],
      );
      assert.deepEqual(e.outputs.choices, { api: "release", web: "build" });
    });

    it("records the released digest as what the stack runs", () => {
      const record = e
        .resourcesOfType(PARAMETER)
        .find((p) => p.inputs.name === "/ecs-json-api/test/release/api");
      assert.equal(record?.inputs.value, RELEASED);
    });
  });

  it("runs a prebuilt image as is, building, looking up and logging in to nothing", async () => {
    const e = await evaluate({ services: { web: { image: PREBUILT } }, release: { web: RELEASED } });
    assert.deepEqual(e.outputs.images, { web: PREBUILT });
    assert.equal(e.resourcesOfType(IMAGE).length, 0);
    assert.equal(e.invokesOf("aws:ecr/getRepository:getRepository").length, 0);
    assert.equal(e.invokesOf("aws:ecr/getAuthorizationToken:getAuthorizationToken").length, 0);
  });

  describe("a stack that does not build", () => {
    it("deploys the image it recorded at its last deploy, and records it again", async () => {
      const e = await evaluate(
        { buildImages: false },
        { stack: "prod", parameters: { "/ecs-json-api/prod/release/api": RECORDED } },
      );
      assert.deepEqual(e.outputs.images, { api: RECORDED });
      assert.deepEqual(e.outputs.choices, { api: "recorded" });
      assert.deepEqual(
        e
          .invokesOf("aws:ssm/getParametersByPath:getParametersByPath")
          .map((i) => [i.args.path, i.args.recursive]),
        [["/ecs-json-api/prod/release/", false]],
      );
      assert.equal(e.one(PARAMETER).inputs.value, RECORDED);
      assert.equal(e.resourcesOfType(IMAGE).length, 0);
    });

    it("reads and writes its record under a given path", async () => {
      const e = await evaluate(
        { buildImages: false, recordPath: "/apps/blue/" },
        { parameters: { "/apps/blue/api": RECORDED } },
      );
      assert.deepEqual(e.outputs.images, { api: RECORDED });
      assert.equal(e.one(PARAMETER).inputs.name, "/apps/blue/api");
    });

    it("fails with what to do when nothing is recorded for a service", async () => {
      await assert.rejects(
        evaluate({ buildImages: false }),
        endsWith(
          'Registry: no image for service "api": it is not built here (buildImages is false), not in the release, and /ecs-json-api/test/release/api records nothing; deploy a release (ecs-json-api:release) first',
        ),
      );
    });

    it("fails when the record holds something other than a pinned image", async () => {
      await assert.rejects(
        evaluate(
          { buildImages: false },
          { parameters: { "/ecs-json-api/test/release/api": `${SHARED}:latest` } },
        ),
        endsWith(
          `Registry: no image for service "api": it is not built here (buildImages is false), not in the release, and /ecs-json-api/test/release/api records "${SHARED}:latest"; deploy a release (ecs-json-api:release) first`,
        ),
      );
    });

    it("does not read another stack's record", async () => {
      await assert.rejects(
        evaluate({ buildImages: false }, { parameters: { "/ecs-json-api/prod/release/api": RECORDED } }),
        /\/ecs-json-api\/test\/release\/api records nothing/,
      );
    });
  });

  it("creates its AWS resources with its own provider, tagged with its class", async () => {
    const e = await evaluate({});
    assert.deepEqual(JSON.parse(e.named("registry-aws").inputs.defaultTags), {
      tags: { ...TAGS, component: "Registry" },
    });
    assert.equal(e.providerOf(e.one(PARAMETER))?.name, "registry-aws");
    assert.equal(e.one(IMAGE).parent?.name, "registry");
  });

  it("honours a caller's provider", async () => {
    const e = await runUnderMocks(() => {
      const provider = new aws.Provider("caller", { region: "eu-west-1" });
      new Registry(
        "registry",
        { architecture: "x86_64", services: { api: { build: FOLDER } } },
        { provider },
      );
    });
    assert.deepEqual(
      e.resourcesOfType("pulumi:providers:aws").map((p) => p.name),
      ["caller"],
    );
    assert.equal(e.providerOf(e.one(PARAMETER))?.name, "caller");
  });

  it("fails the program with an ArgumentError listing every problem", async () => {
    await assert.rejects(
      evaluate({ services: { api: { image: "nginx:latest" } }, release: { web: RELEASED } }),
      (err: unknown) => {
        assert.ok(err instanceof ArgumentError);
        assert.equal(err.component, "Registry");
        assert.equal(err.problems.length, 2);
        return true;
      },
    );
  });
});
