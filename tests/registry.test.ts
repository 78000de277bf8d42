import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  buildContextTag,
  contentTag,
  isIgnored,
  parseDockerignore,
  readBuildContext,
} from "../components/buildContext";
import {
  digestReference,
  lifecyclePolicy,
  Registry,
  type RegistryArgs,
  resolveRegistryArgs,
} from "../components/registry";
import { ACCOUNT_ID, runUnderMocks } from "../lib/harness";
import { checkStack } from "../lib/policy";

const DIGEST = `sha256:${"ab".repeat(32)}`;
const PREBUILT = `${ACCOUNT_ID}.dkr.ecr.eu-west-1.amazonaws.com/ci/api@${DIGEST}`;

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "registry-test-"));
after(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));
let fixtures = 0;

/** Writes a build context into a fresh temporary folder and returns its path. */
function makeContext(files: Record<string, string>, executable: string[] = []): string {
  const dir = path.join(tmpRoot, `ctx-${fixtures++}`);
  for (const [rel, content] of Object.entries(files)) {
    const full = path.join(dir, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
    if (executable.includes(rel)) fs.chmodSync(full, 0o755);
  }
  return dir;
}

const SERVICE = {
  Dockerfile: "FROM node:20\nCOPY . .\n",
  ".dockerignore": "node_modules\ndist\n**/*.log\n",
  "package.json": '{"name":"api"}',
  "src/app.ts": "export const app = 1;\n",
};

describe("the content-derived image tag", () => {
  it("is 16 hex digits, never `latest`", () => {
    assert.match(buildContextTag(makeContext(SERVICE), "linux/amd64"), /^[0-9a-f]{16}$/);
  });

  it("is the same for the same content, whatever the folder and the order files were written in", () => {
    const reversed = Object.fromEntries(Object.entries(SERVICE).reverse());
    assert.equal(
      buildContextTag(makeContext(SERVICE), "linux/amd64"),
      buildContextTag(makeContext(reversed), "linux/amd64"),
    );
  });

  it("changes when a file's content changes", () => {
    const changed = { ...SERVICE, "src/app.ts": "export const app = 2;\n" };
    assert.notEqual(
      buildContextTag(makeContext(SERVICE), "linux/amd64"),
      buildContextTag(makeContext(changed), "linux/amd64"),
    );
  });

  it("changes when a file is added or renamed", () => {
    const base = buildContextTag(makeContext(SERVICE), "linux/amd64");
    assert.notEqual(base, buildContextTag(makeContext({ ...SERVICE, "src/new.ts": "" }), "linux/amd64"));
    const { "src/app.ts": app, ...rest } = SERVICE;
    assert.notEqual(base, buildContextTag(makeContext({ ...rest, "src/main.ts": app }), "linux/amd64"));
  });

  it("changes with the target platform", () => {
    const dir = makeContext(SERVICE);
    assert.notEqual(buildContextTag(dir, "linux/amd64"), buildContextTag(dir, "linux/arm64"));
  });

  it("changes when a file's permissions change (the docker provider's digest sees the mode)", () => {
    assert.notEqual(
      buildContextTag(makeContext(SERVICE), "linux/amd64"),
      buildContextTag(makeContext(SERVICE, ["src/app.ts"]), "linux/amd64"),
    );
  });

  it("ignores files .dockerignore excludes", () => {
    const noisy = { ...SERVICE, "debug.log": "noise", "src/trace.log": "more noise" };
    assert.equal(
      buildContextTag(makeContext(SERVICE), "linux/amd64"),
      buildContextTag(makeContext(noisy), "linux/amd64"),
    );
  });

  it("ignores node_modules/ and dist/ even without a .dockerignore", () => {
    const { ".dockerignore": _, ...bare } = SERVICE;
    const built = { ...bare, "node_modules/x/index.js": "x", "dist/app.js": "compiled" };
    assert.equal(
      buildContextTag(makeContext(bare), "linux/amd64"),
      buildContextTag(makeContext(built), "linux/amd64"),
    );
  });

  it("counts the Dockerfile and .dockerignore even when .dockerignore lists them, as Docker sends them", () => {
    const selfIgnoring = { ...SERVICE, ".dockerignore": "Dockerfile\n.dockerignore\n" };
    const files = readBuildContext(makeContext(selfIgnoring)).map((f) => f.path);
    assert.deepEqual(files, [".dockerignore", "Dockerfile", "package.json", "src/app.ts"]);
    const edited = { ...selfIgnoring, Dockerfile: "FROM node:22\nCOPY . .\n" };
    assert.notEqual(
      buildContextTag(makeContext(selfIgnoring), "linux/amd64"),
      buildContextTag(makeContext(edited), "linux/amd64"),
    );
  });

  it("re-includes what a `!` exception names inside an ignored folder", () => {
    const files = readBuildContext(
      makeContext({
        ...SERVICE,
        ".dockerignore": "docs\n!docs/keep.md\n",
        "docs/a.md": "",
        "docs/keep.md": "",
      }),
    ).map((f) => f.path);
    assert.deepEqual(files, [".dockerignore", "Dockerfile", "docs/keep.md", "package.json", "src/app.ts"]);
  });

  it("follows a symbolic link to its file's content, as Docker does", () => {
    const withLink = (content: string) => {
      const dir = makeContext({ ...SERVICE, ".dockerignore": "shared\n", "shared/x.ts": content });
      fs.symlinkSync("../shared/x.ts", path.join(dir, "src/x.ts"));
      return dir;
    };
    const [one, two] = [withLink("1"), withLink("2")];
    assert.deepEqual(
      readBuildContext(one).find((f) => f.path === "src/x.ts"),
      {
        path: "src/x.ts",
        content: Buffer.from("1"),
        mode: fs.statSync(path.join(one, "shared/x.ts")).mode & 0o7777,
        linkTarget: "../shared/x.ts",
      },
    );
    assert.notEqual(buildContextTag(one, "linux/amd64"), buildContextTag(two, "linux/amd64"));
  });

  it("prefers the Dockerfile's own <Dockerfile>.dockerignore to .dockerignore", () => {
    const files = readBuildContext(
      makeContext({ ...SERVICE, "Dockerfile.dockerignore": "src\n", "debug.log": "" }),
    ).map((f) => f.path);
    assert.deepEqual(files, [
      ".dockerignore",
      "Dockerfile",
      "Dockerfile.dockerignore",
      "debug.log",
      "package.json",
    ]);
  });

  it("is a pure function of the file list: order does not matter, framing does", () => {
    const a = { path: "a", content: Buffer.from("bc"), mode: 0o644 };
    const b = { path: "b", content: Buffer.from(""), mode: 0o644 };
    assert.equal(contentTag([a, b], "linux/amd64"), contentTag([b, a], "linux/amd64"));
    // "a"+"bc" must not hash like "ab"+"c".
    const shifted = { path: "ab", content: Buffer.from("c"), mode: 0o644 };
    assert.notEqual(contentTag([a], "linux/amd64"), contentTag([shifted], "linux/amd64"));
  });
});

describe(".dockerignore matching", () => {
  const cases: [pattern: string, path: string, ignored: boolean][] = [
    ["*.log", "debug.log", true],
    ["*.log", "src/debug.log", false], // `*` does not cross `/`, as in Docker
    ["**/*.log", "src/deep/debug.log", true],
    ["**/*.log", "debug.log", true],
    ["node_modules", "node_modules/x/index.js", true], // a folder's pattern covers its contents
    ["/coverage/", "coverage/lcov.info", true], // leading and trailing `/` are cleaned away
    ["./tmp", "tmp/a", true],
    ["src/*/fixtures", "src/a/fixtures/x.json", true],
    ["src/*/fixtures", "src/a/b/fixtures/x.json", false],
    ["file?.txt", "file1.txt", true],
    ["file?.txt", "file10.txt", false],
    ["[a-c].md", "b.md", true],
    ["[!a-c].md", "b.md", false],
    ["# a comment", "# a comment", false],
    ["a.b", "axb", false], // `.` is literal
  ];
  for (const [pattern, relPath, ignored] of cases) {
    it(`${pattern} ${ignored ? "ignores" : "keeps"} ${relPath}`, () => {
      assert.equal(isIgnored(relPath, parseDockerignore(pattern)), ignored);
    });
  }

  it("lets the last matching rule decide", () => {
    const rules = parseDockerignore("*.md\n!README.md\n");
    assert.equal(isIgnored("CHANGELOG.md", rules), true);
    assert.equal(isIgnored("README.md", rules), false);
    assert.equal(isIgnored("README.md", parseDockerignore("!README.md\n*.md\n")), true);
  });
});

describe("the repository's lifecycle policy", () => {
  it("expires untagged images after a day and keeps the last N tagged ones", () => {
    assert.deepEqual(lifecyclePolicy(30), {
      rules: [
        {
          rulePriority: 1,
          description: "Expire untagged images (failed or superseded pushes) after one day",
          selection: {
            tagStatus: "untagged",
            countType: "sinceImagePushed",
            countUnit: "days",
            countNumber: 1,
          },
          action: { type: "expire" },
        },
        {
          rulePriority: 2,
          description: "Keep the 30 most recent tagged images",
          selection: {
            tagStatus: "tagged",
            tagPatternList: ["*"],
            countType: "imageCountMoreThan",
            countNumber: 30,
          },
          action: { type: "expire" },
        },
      ],
    });
  });
});

describe("the digest reference", () => {
  it("points into our repository with the pushed digest", () => {
    assert.equal(
      digestReference("123.dkr.ecr.eu-west-1.amazonaws.com/api", `localhost:5000/other@${DIGEST}`),
      `123.dkr.ecr.eu-west-1.amazonaws.com/api@${DIGEST}`,
    );
  });

  it("refuses a push result without a digest", () => {
    assert.throws(
      () => digestReference("r", "sha256:abc"),
      /^Error: Registry: the pushed image has no sha256 digest \(repoDigest "sha256:abc"\)$/,
    );
  });
});

describe("resolveRegistryArgs", () => {
  const context = makeContext(SERVICE);
  const base: RegistryArgs = {
    region: "eu-west-1",
    tags: { project: "p", stack: "s" },
    architecture: "x86_64",
    contextDir: context,
  };

  it("applies the defaults", () => {
    const r = resolveRegistryArgs(base);
    assert.equal(r.imageRetainCount, 10);
    assert.equal(r.deletionProtection, false);
    assert.equal(r.encryption, "AES256");
    assert.equal(r.platform, "linux/amd64");
    assert.equal(r.dockerfile, path.join(context, "Dockerfile"));
    assert.equal(r.image, undefined);
    assert.equal(
      resolveRegistryArgs({ ...base, contextDir: undefined, image: PREBUILT }).contextDir,
      "service",
    );
  });

  it("treats an empty image (the config default) as 'build here'", () => {
    assert.equal(resolveRegistryArgs({ ...base, image: "" }).image, undefined);
  });

  it("maps arm64 to linux/arm64", () => {
    assert.equal(resolveRegistryArgs({ ...base, architecture: "arm64" }).platform, "linux/arm64");
  });

  const errors: [string, Partial<RegistryArgs>, string][] = [
    [
      "an unknown architecture",
      { architecture: "sparc" },
      'architecture "sparc" is not supported; use x86_64 or arm64',
    ],
    [
      "imageRetainCount below 1",
      { imageRetainCount: 0 },
      "imageRetainCount 0 must be a whole number of at least 1",
    ],
    [
      "a fractional imageRetainCount",
      { imageRetainCount: 2.5 },
      "imageRetainCount 2.5 must be a whole number of at least 1",
    ],
    [
      "an image pinned by tag, not digest",
      { image: "123.dkr.ecr.eu-west-1.amazonaws.com/api:latest" },
      'image "123.dkr.ecr.eu-west-1.amazonaws.com/api:latest" is not an image reference pinned by digest, <registry>/<repository>@sha256:<64 hex digits>',
    ],
    [
      "a digest of the wrong length",
      { image: "123.dkr.ecr.eu-west-1.amazonaws.com/api@sha256:abc" },
      'image "123.dkr.ecr.eu-west-1.amazonaws.com/api@sha256:abc" is not an image reference pinned by digest, <registry>/<repository>@sha256:<64 hex digits>',
    ],
    [
      "an unknown encryption",
      { encryption: "ROT13" as "KMS" },
      'encryption "ROT13" is not supported; use AES256 or KMS',
    ],
    [
      "a KMS key without KMS encryption",
      { kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k" },
      'kmsKeyArn is only used with encryption "KMS"',
    ],
    [
      "a missing build context",
      { contextDir: path.join(tmpRoot, "nope") },
      `build context "${path.join(tmpRoot, "nope")}" is not a directory (relative to ${process.cwd()})`,
    ],
    [
      "a missing Dockerfile",
      { dockerfile: path.join(context, "Missing.Dockerfile") },
      `Dockerfile "${path.join(context, "Missing.Dockerfile")}" does not exist (relative to ${process.cwd()})`,
    ],
    [
      "a Dockerfile outside the context",
      { contextDir: path.join(context, "src"), dockerfile: path.join(context, "Dockerfile") },
      `Dockerfile "${path.join(context, "Dockerfile")}" is outside the build context "${path.join(context, "src")}"; keep it inside`,
    ],
  ];
  for (const [what, override, message] of errors) {
    it(`rejects ${what}`, () => {
      assert.throws(
        () => resolveRegistryArgs({ ...base, ...override }),
        (err: Error) => err.message === `Registry: ${message}`,
      );
    });
  }

  it("reports every problem at once", () => {
    assert.throws(
      () =>
        resolveRegistryArgs({ ...base, architecture: "mips", imageRetainCount: 0, image: "nginx:latest" }),
      (err: Error) =>
        err.message ===
        'Registry: architecture "mips" is not supported; use x86_64 or arm64; imageRetainCount 0 must be a whole number of at least 1; image "nginx:latest" is not an image reference pinned by digest, <registry>/<repository>@sha256:<64 hex digits>',
    );
  });

  it("does not look for a build context when a prebuilt image is deployed", () => {
    assert.equal(
      resolveRegistryArgs({ ...base, contextDir: path.join(tmpRoot, "nope"), image: PREBUILT }).image,
      PREBUILT,
    );
  });
});

describe("Registry", () => {
  const context = makeContext(SERVICE);
  const common = { region: "eu-west-1", tags: { project: "ecs-json-api", stack: "test" } };

  async function build(args: Omit<RegistryArgs, "region" | "tags">) {
    let registry: Registry | undefined;
    const evaluation = await runUnderMocks(() => {
      registry = new Registry("registry", { ...common, ...args });
      return {
        repositoryUrl: registry.repositoryUrl,
        repositoryArn: registry.repositoryArn,
        imageRef: registry.imageRef,
        ...(registry.imageTag === undefined ? {} : { imageTag: registry.imageTag }),
      };
    });
    return { evaluation, registry: registry as Registry };
  }

  describe("test-like: built here for x86_64, no deletion protection", () => {
    let result: Awaited<ReturnType<typeof build>>;
    before(async () => {
      result = await build({ architecture: "x86_64", contextDir: context, imageRetainCount: 10 });
    });

    it("creates exactly a provider, a repository, its lifecycle policy and the image", () => {
      const { evaluation } = result;
      const children = evaluation.childrenOf(evaluation.named("registry"));
      assert.deepEqual(children.map((c) => `${c.type} ${c.name}`).sort(), [
        "aws:ecr/lifecyclePolicy:LifecyclePolicy registry-lifecycle",
        "aws:ecr/repository:Repository registry-repo",
        "docker:index/image:Image registry-image",
        "pulumi:providers:aws registry-aws",
      ]);
      assert.equal(evaluation.resourcesOfType("aws:ecr/repositoryPolicy:RepositoryPolicy").length, 0);
    });

    it("makes the repository immutable, scanned on push, encrypted, and deletable with its images", () => {
      const repo = result.evaluation.one("aws:ecr/repository:Repository");
      assert.equal(repo.inputs.imageTagMutability, "IMMUTABLE");
      assert.deepEqual(repo.inputs.imageScanningConfiguration, { scanOnPush: true });
      assert.deepEqual(repo.inputs.encryptionConfigurations, [{ encryptionType: "AES256" }]);
      assert.equal(repo.inputs.forceDelete, true);
      assert.equal(repo.inputs.name, undefined, "auto-named, so stacks can share an account");
    });

    it("attaches the lifecycle policy to the repository", () => {
      const { evaluation } = result;
      const policy = evaluation.one("aws:ecr/lifecyclePolicy:LifecyclePolicy");
      assert.equal(policy.inputs.repository, evaluation.one("aws:ecr/repository:Repository").state.name);
      assert.deepEqual(JSON.parse(policy.inputs.policy), lifecyclePolicy(10));
    });

    it("builds service/ for linux/amd64 and tags it with the hash of the build context", () => {
      const { evaluation, registry } = result;
      const image = evaluation.one("docker:index/image:Image");
      const repo = evaluation.one("aws:ecr/repository:Repository");
      const tag = buildContextTag(context, "linux/amd64");
      assert.equal(registry.imageTag, tag);
      assert.equal(evaluation.outputs.imageTag, tag);
      assert.equal(image.inputs.imageName, `${repo.state.repositoryUrl}:${tag}`);
      assert.deepEqual(image.inputs.build, {
        context,
        dockerfile: path.join(context, "Dockerfile"),
        platform: "linux/amd64",
      });
    });

    it("pushes with credentials from an ECR authorization token for the repository's registry", () => {
      const { evaluation } = result;
      const image = evaluation.one("docker:index/image:Image");
      const repo = evaluation.one("aws:ecr/repository:Repository");
      assert.deepEqual(
        evaluation.invokesOf("aws:ecr/getAuthorizationToken:getAuthorizationToken").map((i) => i.args),
        [{ registryId: ACCOUNT_ID }],
      );
      assert.deepEqual(image.inputs.registry, {
        server: repo.state.repositoryUrl.split("/")[0],
        username: "AWS",
        password: "mock-password",
      });
    });

    it("outputs the image by digest in this repository, never by tag", () => {
      const { evaluation } = result;
      const image = evaluation.one("docker:index/image:Image");
      const repo = evaluation.one("aws:ecr/repository:Repository");
      const digest = image.state.repoDigest.split("@")[1];
      assert.equal(evaluation.outputs.imageRef, `${repo.state.repositoryUrl}@${digest}`);
      assert.match(
        evaluation.outputs.imageRef,
        /^\d{12}\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/[^:@]+@sha256:[0-9a-f]{64}$/,
      );
    });

    it("passes the project's policy pack", async () => {
      assert.deepEqual((await checkStack(result.evaluation)).violations, []);
    });

    it("outputs the repository's URL and ARN", () => {
      const { evaluation } = result;
      const repo = evaluation.one("aws:ecr/repository:Repository");
      assert.equal(evaluation.outputs.repositoryUrl, repo.state.repositoryUrl);
      assert.equal(evaluation.outputs.repositoryArn, repo.state.arn);
    });
  });

  describe("prod-like: built here for arm64, deletion protection, KMS", () => {
    let result: Awaited<ReturnType<typeof build>>;
    before(async () => {
      result = await build({
        architecture: "arm64",
        contextDir: context,
        imageRetainCount: 30,
        deletionProtection: true,
        encryption: "KMS",
      });
    });

    it("builds for linux/arm64 with the arm64 tag", () => {
      const image = result.evaluation.one("docker:index/image:Image");
      assert.equal(image.inputs.build.platform, "linux/arm64");
      assert.equal(result.registry.imageTag, buildContextTag(context, "linux/arm64"));
    });

    it("keeps the repository and its images on destroy", () => {
      assert.equal(result.evaluation.one("aws:ecr/repository:Repository").inputs.forceDelete, false);
    });

    it("encrypts with KMS (the AWS-managed ECR key when none is given)", () => {
      assert.deepEqual(
        result.evaluation.one("aws:ecr/repository:Repository").inputs.encryptionConfigurations,
        [{ encryptionType: "KMS" }],
      );
    });

    it("passes the project's policy pack", async () => {
      assert.deepEqual((await checkStack(result.evaluation)).violations, []);
    });

    it("keeps the configured number of tagged images", () => {
      const policy = result.evaluation.one("aws:ecr/lifecyclePolicy:LifecyclePolicy");
      assert.equal(JSON.parse(policy.inputs.policy).rules[1].selection.countNumber, 30);
    });
  });

  describe("a prebuilt image promoted from CI", () => {
    let result: Awaited<ReturnType<typeof build>>;
    before(async () => {
      result = await build({
        architecture: "arm64",
        image: PREBUILT,
        contextDir: path.join(tmpRoot, "absent"),
      });
    });

    it("deploys the given digest as is", () => {
      assert.equal(result.evaluation.outputs.imageRef, PREBUILT);
      assert.equal(result.registry.imageTag, undefined);
    });

    it("builds and pushes nothing, and asks for no registry token", () => {
      assert.equal(result.evaluation.resourcesOfType("docker:index/image:Image").length, 0);
      assert.equal(
        result.evaluation.invokesOf("aws:ecr/getAuthorizationToken:getAuthorizationToken").length,
        0,
      );
    });

    it("still creates the repository (CI pushes to it) with its lifecycle policy", () => {
      assert.equal(result.evaluation.resourcesOfType("aws:ecr/repository:Repository").length, 1);
      assert.equal(result.evaluation.resourcesOfType("aws:ecr/lifecyclePolicy:LifecyclePolicy").length, 1);
    });
  });

  it("fails before creating anything when the args are invalid", async () => {
    await assert.rejects(
      runUnderMocks(() => new Registry("registry", { ...common, architecture: "sparc", image: PREBUILT })),
      /Registry: architecture "sparc" is not supported; use x86_64 or arm64/,
    );
  });
});
