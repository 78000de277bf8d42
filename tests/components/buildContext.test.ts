/** The content-derived image tag and the .dockerignore rules it follows. Pure, on temporary folders. */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import {
  buildContextTag,
  type ContextFile,
  contentTag,
  isIgnored,
  parseDockerignore,
  readBuildContext,
} from "../../components/buildContext";

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "build-context-test-"));
after(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));
let fixtures = 0;

/** Writes a build context into a fresh temporary folder and returns its path. */
function makeContext(files: Record<string, string>, executable: string[] = []): string {
  const dir = path.join(tmpRoot, `ctx-${fixtures++}`);
  fs.mkdirSync(dir, { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    const full = path.join(dir, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
    fs.chmodSync(full, executable.includes(rel) ? 0o755 : 0o644);
  }
  return dir;
}

const SERVICE = {
  Dockerfile: "FROM node:24\nCOPY . .\n",
  ".dockerignore": "node_modules\ndist\n**/*.log\n",
  "package.json": '{"name":"api"}',
  "src/app.ts": "export const app = 1;\n",
};
const AMD64 = "linux/amd64";
const tagOf = (files: Record<string, string>, executable: string[] = []) =>
  buildContextTag(makeContext(files, executable), AMD64);

describe("the content-derived image tag", () => {
  it("is 16 hex digits, never `latest`", () => {
    assert.match(tagOf(SERVICE), /^[0-9a-f]{16}$/);
  });

  it("is the same for the same content, whatever the folder and the order files were written in", () => {
    assert.equal(tagOf(SERVICE), tagOf(Object.fromEntries(Object.entries(SERVICE).reverse())));
  });

  it("comes back when a folder is reverted to earlier content", () => {
    const dir = makeContext(SERVICE);
    const before = buildContextTag(dir, AMD64);
    fs.writeFileSync(path.join(dir, "src/app.ts"), "export const app = 2;\n");
    const changed = buildContextTag(dir, AMD64);
    fs.writeFileSync(path.join(dir, "src/app.ts"), SERVICE["src/app.ts"]);
    assert.notEqual(changed, before);
    assert.equal(buildContextTag(dir, AMD64), before);
  });

  it("changes when a file's content changes", () => {
    assert.notEqual(tagOf(SERVICE), tagOf({ ...SERVICE, "src/app.ts": "export const app = 2;\n" }));
  });

  it("changes when a file is added or renamed", () => {
    const base = tagOf(SERVICE);
    assert.notEqual(base, tagOf({ ...SERVICE, "src/new.ts": "" }));
    const { "src/app.ts": app, ...rest } = SERVICE;
    assert.notEqual(base, tagOf({ ...rest, "src/main.ts": app }));
  });

  it("changes with the target platform", () => {
    const dir = makeContext(SERVICE);
    assert.notEqual(buildContextTag(dir, "linux/amd64"), buildContextTag(dir, "linux/arm64"));
  });

  it("changes when a file's permissions change (the docker provider's digest sees the mode)", () => {
    assert.notEqual(tagOf(SERVICE), tagOf(SERVICE, ["src/app.ts"]));
  });

  it("ignores files .dockerignore excludes", () => {
    assert.equal(tagOf(SERVICE), tagOf({ ...SERVICE, "debug.log": "noise", "src/trace.log": "more noise" }));
  });

  it("ignores node_modules/ and dist/ at the root even without a .dockerignore, but not deeper down", () => {
    const { ".dockerignore": _, ...bare } = SERVICE;
    assert.equal(tagOf(bare), tagOf({ ...bare, "node_modules/x/index.js": "x", "dist/app.js": "compiled" }));
    assert.notEqual(tagOf(bare), tagOf({ ...bare, "src/dist/app.js": "source" }));
  });

  it("counts the Dockerfile and .dockerignore even when .dockerignore lists them, as Docker sends them", () => {
    const selfIgnoring = { ...SERVICE, ".dockerignore": "Dockerfile\n.dockerignore\n" };
    const files = readBuildContext(makeContext(selfIgnoring)).map((f) => f.path);
    assert.deepEqual(files, [".dockerignore", "Dockerfile", "package.json", "src/app.ts"]);
    assert.notEqual(tagOf(selfIgnoring), tagOf({ ...selfIgnoring, Dockerfile: "FROM node:22\nCOPY . .\n" }));
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
      { path: "src/x.ts", content: Buffer.from("1"), mode: 0o644, linkTarget: "../shared/x.ts" },
    );
    assert.notEqual(buildContextTag(one, AMD64), buildContextTag(two, AMD64));
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

  it("finds a Dockerfile in a sub-folder, and its own ignore file beside it", () => {
    const dir = makeContext({
      "docker/api.Dockerfile": "FROM node:24\n",
      "docker/api.Dockerfile.dockerignore": "*.md\n",
      "README.md": "",
      "src/app.ts": "",
    });
    assert.deepEqual(
      readBuildContext(dir, "docker/api.Dockerfile").map((f) => f.path),
      ["docker/api.Dockerfile", "docker/api.Dockerfile.dockerignore", "src/app.ts"],
    );
  });
});

describe("contentTag", () => {
  const fileArb = fc.record({
    path: fc.stringMatching(/^[a-z]{1,3}(\/[a-z]{1,3}){0,2}$/),
    content: fc.uint8Array({ maxLength: 16 }).map((b) => Buffer.from(b)),
    mode: fc.constantFrom(0o644, 0o755),
  });
  const filesArb = fc.uniqueArray(fileArb, { selector: (f) => f.path, maxLength: 8 });

  it("depends on the files, not on the order they are listed in", () => {
    fc.assert(
      fc.property(
        filesArb.chain((files) =>
          fc.tuple(fc.constant(files), fc.shuffledSubarray(files, { minLength: files.length })),
        ),
        ([files, shuffled]) => assert.equal(contentTag(files, AMD64), contentTag(shuffled, AMD64)),
      ),
    );
  });

  it("frames each field, so moving bytes between a path and its content changes the tag", () => {
    const a: ContextFile = { path: "a", content: Buffer.from("bc"), mode: 0o644 };
    const shifted: ContextFile = { path: "ab", content: Buffer.from("c"), mode: 0o644 };
    assert.notEqual(contentTag([a], AMD64), contentTag([shifted], AMD64));
  });

  it("tells a file from a link with the same content", () => {
    const file: ContextFile = { path: "x", content: Buffer.from("1"), mode: 0o644 };
    assert.notEqual(contentTag([file], AMD64), contentTag([{ ...file, linkTarget: "y" }], AMD64));
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
    ["a\\*b", "a*b", true], // an escaped wildcard is literal
    ["a\\*b", "axb", false],
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

  it("skips blank lines and comments, and reads Windows line endings", () => {
    assert.deepEqual(
      parseDockerignore("# build output\r\n\r\ndist\r\n  \r\n").map((r) => [r.pattern, r.negate]),
      [["dist", false]],
    );
  });
});
