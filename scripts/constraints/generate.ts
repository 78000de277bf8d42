/**
 * Writes lib/constraints/botocore.generated.json from AWS's API models, as botocore ships them: the traits
 * (`pattern`, `min`, `max`, `enum`) of exactly the members the constraint catalog references, the documentation
 * sentences its rules quote (each verified to be in the model), and the `aws` partition's regions. The tests
 * read only the generated file, so they never need botocore.
 *
 *   npm run constraints:generate                       # botocore of `python3`, else Debian's python3-botocore
 *   npm run constraints:generate -- --data <dir>       # a botocore `data` folder
 *
 * Debian: `apt-get install -y python3-botocore` puts the models in /usr/lib/python3/dist-packages/botocore/data.
 * A member or quote missing from the models (an older botocore) fails the run, naming it.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import {
  GENERATED_FILE,
  type GeneratedModels,
  type MemberSpec,
  references,
  type ShapeTraits,
} from "../../lib/constraints/botocore";
import "../../lib/constraints/catalog/index";

const DEBIAN_DATA = "/usr/lib/python3/dist-packages/botocore/data";

/** The botocore package folder: --data, else the one `python3` imports, else Debian's. */
function botocoreRoot(): string {
  const flag = process.argv.indexOf("--data");
  if (flag >= 0 && process.argv[flag + 1]) return path.dirname(path.resolve(process.argv[flag + 1]));
  try {
    const dir = execFileSync(
      "python3",
      ["-c", "import botocore, os; print(os.path.dirname(botocore.__file__))"],
      {
        encoding: "utf8",
      },
    ).trim();
    if (existsSync(path.join(dir, "data"))) return dir;
  } catch {
    // no python3 or no botocore: fall through to Debian's package
  }
  if (existsSync(DEBIAN_DATA)) return path.dirname(DEBIAN_DATA);
  throw new Error(
    "no botocore models found: apt-get install -y python3-botocore, or pass --data <botocore/data>",
  );
}

/** A botocore shape, as much of it as the generator reads. */
interface Shape {
  type: string;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  documentation?: string;
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  members?: Record<string, { shape: string; documentation?: string }>;
}

function readJson(file: string): unknown {
  const raw = readFileSync(file);
  return JSON.parse((file.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8"));
}

interface Model {
  version: string;
  shapes: Record<string, Shape>;
}

const models = new Map<string, Model>();
function model(data: string, service: string): Model {
  let m = models.get(service);
  if (!m) {
    const dir = path.join(data, service);
    if (!existsSync(dir)) throw new Error(`botocore has no service ${service}`);
    const version = readdirSync(dir).sort().at(-1) as string;
    const file = ["service-2.json", "service-2.json.gz"]
      .map((f) => path.join(dir, version, f))
      .find(existsSync);
    if (!file) throw new Error(`botocore ${service}/${version} has no service-2.json`);
    m = { version, shapes: (readJson(file) as { shapes: Record<string, Shape> }).shapes };
    models.set(service, m);
  }
  return m;
}

function traits(shapes: Record<string, Shape>, name: string): ShapeTraits {
  const s = shapes[name];
  const t: ShapeTraits = { shape: name, type: s.type };
  if (s.min !== undefined) t.min = s.min;
  if (s.max !== undefined) t.max = s.max;
  if (s.pattern !== undefined) t.pattern = s.pattern;
  if (s.enum !== undefined) t.enum = s.enum;
  return t;
}

function member(data: string, ref: string): { spec: MemberSpec; doc: string } {
  const [service, rest] = ref.split("/");
  const [shapeName, memberName] = rest.split(".");
  const { shapes } = model(data, service);
  const m = shapes[shapeName]?.members?.[memberName];
  if (!m) throw new Error(`botocore ${service} has no member ${rest}`);
  const target = shapes[m.shape];
  const spec: MemberSpec = traits(shapes, m.shape);
  if (target.type === "list" && target.member) spec.member = traits(shapes, target.member.shape);
  if (target.type === "map" && target.key && target.value) {
    spec.key = traits(shapes, target.key.shape);
    spec.value = traits(shapes, target.value.shape);
  }
  return { spec, doc: `${m.documentation ?? ""} ${target.documentation ?? ""}` };
}

/** Documentation as plain text: tags dropped, entities decoded, whitespace collapsed. */
export function plainText(html: string): string {
  return html
    .replace(/<\/?(code|i|b|a|em|strong|emphasis|replaceable)(\s[^>]*)?>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .replace(/\s+([,.;:)])/g, "$1")
    .replace(/\(\s+/g, "(")
    .trim();
}

/** JSON with one line per member, quote list and region list: small, and diffs show what changed. */
function render(out: GeneratedModels): string {
  const block = (o: Record<string, unknown>) =>
    Object.entries(o)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`)
      .join(",\n");
  return [
    "{",
    `  "generatedBy": ${JSON.stringify(out.generatedBy)},`,
    `  "botocoreVersion": ${JSON.stringify(out.botocoreVersion)},`,
    `  "services": ${JSON.stringify(out.services)},`,
    `  "regions": ${JSON.stringify(out.regions)},`,
    `  "members": {\n${block(out.members)}\n  },`,
    `  "quotes": {\n${block(out.quotes)}\n  }`,
    "}",
    "",
  ].join("\n");
}

function main(): void {
  const root = botocoreRoot();
  const data = path.join(root, "data");
  const version = /__version__\s*=\s*['"]([^'"]+)['"]/.exec(
    readFileSync(path.join(root, "__init__.py"), "utf8"),
  )?.[1];
  const { members, quotes } = references();
  const problems: string[] = [];
  const out: GeneratedModels = {
    generatedBy: "scripts/constraints/generate.ts",
    botocoreVersion: version ?? "unknown",
    services: {},
    members: {},
    quotes: {},
    regions: [],
  };
  const docs = new Map<string, string>();
  for (const ref of new Set([...members, ...Object.keys(quotes)])) {
    try {
      const { spec, doc } = member(data, ref);
      if (members.includes(ref)) out.members[ref] = spec;
      docs.set(ref, plainText(doc));
      const service = ref.split("/")[0];
      out.services[service] = model(data, service).version;
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  for (const [ref, sentences] of Object.entries(quotes)) {
    const doc = docs.get(ref);
    if (doc === undefined) continue;
    for (const s of sentences) {
      if (!doc.includes(plainText(s)))
        problems.push(`botocore ${ref}: its documentation does not say ${JSON.stringify(s)}`);
    }
    out.quotes[ref] = sentences;
  }
  const endpoints = readJson(path.join(data, "endpoints.json")) as {
    partitions: { partition: string; regions: Record<string, unknown> }[];
  };
  const aws = endpoints.partitions.find((p) => p.partition === "aws");
  out.regions = Object.keys(aws?.regions ?? {}).sort();
  if (problems.length) {
    console.error(`botocore ${version} at ${data}:\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
  out.services = Object.fromEntries(Object.entries(out.services).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(GENERATED_FILE, render(out));
  // Formatted as the repository formats JSON, so `npm run lint` accepts the file as written.
  execFileSync("npx", ["biome", "format", "--write", GENERATED_FILE], { stdio: "ignore" });
  console.log(
    `wrote ${path.relative(process.cwd(), GENERATED_FILE)}: ${Object.keys(out.members).length} members, ` +
      `${Object.values(out.quotes).flat().length} quotes, ${out.regions.length} regions (botocore ${version})`,
  );
}

if (require.main === module) main();
