/**
 * The content folder's rules (src/contract/contentFolder.ts), which the deployment's bucket seeding and the local
 * run share: what is a document, what is skipped, and what is refused, with throw-away folders under the OS
 * temp dir.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { scanContentFolder } from "../src/contract/contentFolder";
import { VARIABLES } from "../src/contract/environment";
import { keyProblem } from "../src/contract/keys";

const REPO_CONTENT = path.join(__dirname, "..", "..", "content");
const sha256 = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");
/** The exact message JSON.parse gives for `text` on this Node version. */
const parseError = (text: string) => {
  try {
    JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${text} parses`);
};

const made: string[] = [];
/** A fresh folder under the OS temp dir holding `files` (a null value makes a sub-folder). */
function folder(files: Record<string, string | Buffer | null>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "content-folder-test-"));
  made.push(dir);
  for (const [name, content] of Object.entries(files)) {
    if (content === null) fs.mkdirSync(path.join(dir, name));
    else fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

describe("the content folder", () => {
  after(() => {
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("makes every *.json file a document keyed by its name, and skips *.md notes and hidden entries", () => {
    const dir = folder({
      "a.json": '{"a": 1}',
      "b-c_d.1.json": "[1, 2]",
      "README.md": "# notes",
      "notes.md": "more notes",
      ".DS_Store": "\u0000\u0001",
      ".hidden.json": "not json",
      ".git": null,
    });
    const scan = scanContentFolder(dir, "content");
    assert.deepEqual(scan.problems, []);
    assert.deepEqual(
      scan.documents.map((d) => [d.key, d.fileName, d.path, d.sha256]),
      [
        ["a", "a.json", path.join(dir, "a.json"), sha256(path.join(dir, "a.json"))],
        ["b-c_d.1", "b-c_d.1.json", path.join(dir, "b-c_d.1.json"), sha256(path.join(dir, "b-c_d.1.json"))],
      ],
    );
  });

  it("lists the documents in file name order, whatever order the file system gives", () => {
    const names = Array.from({ length: 30 }, (_, i) => `doc-${String(i).padStart(2, "0")}`);
    const scan = scanContentFolder(
      folder(Object.fromEntries([...names].reverse().map((n) => [`${n}.json`, "1"]))),
      "c",
    );
    assert.deepEqual(
      scan.documents.map((d) => d.key),
      names,
    );
  });

  it("hashes a document's bytes, so any edit changes the hash and the deployment updates the object", () => {
    const one = scanContentFolder(folder({ "a.json": '{"v": 1}' }), "c").documents[0];
    const two = scanContentFolder(folder({ "a.json": '{"v": 2}' }), "c").documents[0];
    const same = scanContentFolder(folder({ "a.json": '{"v": 1}' }), "c").documents[0];
    assert.notEqual(one.sha256, two.sha256);
    assert.equal(one.sha256, same.sha256);
  });

  it("accepts the repository's own content folder, and never seeds its README.md", () => {
    const scan = scanContentFolder(REPO_CONTENT, "content");
    assert.deepEqual(scan.problems, []);
    assert.ok(scan.documents.length > 0);
    assert.ok(fs.existsSync(path.join(REPO_CONTENT, "README.md")));
    assert.ok(scan.documents.every((d) => d.fileName.endsWith(".json")));
  });

  const refused: [string, Record<string, string | Buffer | null>, string[]][] = [
    [
      "a file that is not JSON",
      { "bad.json": '{"a": }' },
      [`content/bad.json is not valid JSON: ${parseError('{"a": }')}`],
    ],
    ["an empty file", { "empty.json": "" }, [`content/empty.json is not valid JSON: ${parseError("")}`]],
    [
      "a byte order mark, which the service's JSON.parse would choke on",
      { "bom.json": "\ufeff{}" },
      [`content/bom.json is not valid JSON: ${parseError("\ufeff{}")}`],
    ],
    [
      "bytes that are not UTF-8",
      { "latin1.json": Buffer.from([0x22, 0xe9, 0x22]) },
      ["content/latin1.json is not UTF-8 text"],
    ],
    [
      "a name with a space",
      { "bad name.json": "{}" },
      [`content/bad name.json: key "bad name" has characters other than letters, digits, '-', '_' and '.'`],
    ],
    [
      "a name longer than a key may be",
      { [`${"k".repeat(129)}.json`]: "{}" },
      [
        `content/${"k".repeat(129)}.json: key "${"k".repeat(129)}" is 129 characters long; at most 128 are allowed`,
      ],
    ],
    [
      "a sub-folder, since a key cannot contain '/'",
      { sub: null },
      [
        "content/sub is a folder; documents must sit directly in the content folder (a key cannot contain '/')",
      ],
    ],
    [
      "a sub-folder named like a note",
      { "notes.md": null },
      [
        "content/notes.md is a folder; documents must sit directly in the content folder (a key cannot contain '/')",
      ],
    ],
    ...(["notes.txt", "foo.JSON", "foo.json.bak"].map((f) => [
      `a stray file (${f}), probably a document by mistake`,
      { [f]: "{}" },
      [`content/${f} is not a .json document; the content folder holds *.json documents and *.md notes only`],
    ]) as [string, Record<string, string>, string[]][]),
  ];
  for (const [what, files, problems] of refused) {
    it(`refuses ${what}, naming the file and the problem`, () => {
      const scan = scanContentFolder(folder(files), "content");
      assert.deepEqual(scan.problems, problems);
      assert.deepEqual(scan.documents, []);
    });
  }

  it("refuses a document larger than the service serves (MAX_DOCUMENT_BYTES) and accepts one at the limit", () => {
    const dir = folder({ "big.json": `"${"x".repeat(8)}"`, "fits.json": `"${"x".repeat(7)}"` });
    const scan = scanContentFolder(dir, "content", 9);
    assert.deepEqual(scan.problems, [
      "content/big.json is 10 bytes; the service serves documents of at most 9 bytes (MAX_DOCUMENT_BYTES)",
    ]);
    assert.deepEqual(
      scan.documents.map((d) => d.key),
      ["fits"],
    );
  });

  it("refuses by default a document one byte over the service's default MAX_DOCUMENT_BYTES", () => {
    const limit = VARIABLES.MAX_DOCUMENT_BYTES.rule.default;
    const dir = folder({
      "at.json": `"${"x".repeat(limit - 2)}"`,
      "over.json": `"${"x".repeat(limit - 1)}"`,
    });
    assert.deepEqual(scanContentFolder(dir, "content").problems, [
      `content/over.json is ${limit + 1} bytes; the service serves documents of at most ${limit} bytes (MAX_DOCUMENT_BYTES)`,
    ]);
  });

  it("reports every problem of every file in name order, a badly named broken file twice", () => {
    const scan = scanContentFolder(
      folder({ "z z.json": "{", "a.txt": "", "good.json": "{}", "m.json": "nope" }),
      "content",
    );
    assert.deepEqual(scan.problems, [
      "content/a.txt is not a .json document; the content folder holds *.json documents and *.md notes only",
      `content/m.json is not valid JSON: ${parseError("nope")}`,
      `content/z z.json: key "z z" has characters other than letters, digits, '-', '_' and '.'`,
      `content/z z.json is not valid JSON: ${parseError("{")}`,
    ]);
    assert.deepEqual(
      scan.documents.map((d) => d.key),
      ["good"],
    );
  });

  it("accepts an empty folder and finds no documents", () => {
    assert.deepEqual(scanContentFolder(folder({ "README.md": "" }), "content"), {
      documents: [],
      problems: [],
    });
  });

  it("refuses a missing folder and a file in place of the folder, by the name it was shown as", () => {
    const dir = folder({ "file.json": "{}" });
    assert.deepEqual(scanContentFolder(path.join(dir, "nope"), "nope").problems, [
      'content folder "nope" does not exist',
    ]);
    assert.deepEqual(scanContentFolder(path.join(dir, "file.json"), "file.json").problems, [
      'content folder "file.json" is not a folder',
    ]);
  });

  it("seeds a file exactly when its name is a valid key, refusing it with keyProblem's words otherwise (property)", () => {
    const chars = fc.constantFrom(..."aZ09-_.~ %@é+=,;'!".split(""));
    fc.assert(
      fc.property(
        fc.string({ unit: chars, minLength: 1, maxLength: 140 }).filter((s) => !s.startsWith(".")),
        (name) => {
          const scan = scanContentFolder(folder({ [`${name}.json`]: "{}" }), "c");
          const problem = keyProblem(name);
          if (problem) {
            assert.deepEqual(scan.problems, [`c/${name}.json: key "${name}" ${problem}`]);
            assert.deepEqual(scan.documents, []);
          } else {
            assert.deepEqual(scan.problems, []);
            assert.deepEqual(
              scan.documents.map((d) => d.key),
              [name],
            );
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
