/**
 * The content-derived image tag: a hash of exactly the files `docker build` would send as the build context.
 *
 * Why the tag must follow Docker's view of the context and not a looser one: the repository's tags are
 * immutable, and `docker.Image` rebuilds and pushes whenever its own digest of the context changes. If a change
 * Docker sees left the tag unchanged, the push would try to move an existing tag and ECR would refuse it. So the
 * hash honours `.dockerignore` (or the Dockerfile's own `<Dockerfile>.dockerignore`) with Docker's matching
 * rules, always keeps the Dockerfile and the ignore file (Docker sends them even when ignored), includes each
 * file's permission bits and follows symbolic links to their content (the docker provider's digest does both),
 * and folds in the target platform (the same source built for another architecture is another image). Where
 * the two hashes differ, this one sees more, which only ever costs a redundant image, never a refused push. On top of that,
 * `node_modules/` and `dist/` at the context's root never count: they are local build output that the
 * Dockerfile rebuilds, and `service/.dockerignore` lists them too, so Docker agrees.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** Local build output that never belongs in the context, whatever `.dockerignore` says. */
export const ALWAYS_EXCLUDED = ["node_modules", "dist"] as const;

/** One `.dockerignore` line: a pattern compiled to a regular expression, and whether it re-includes. */
export interface IgnoreRule {
  /** The pattern as written, cleaned (no leading `/` or `./`, no trailing `/`). */
  pattern: string;
  /** Matches a context-relative path with `/` separators. */
  regex: RegExp;
  /** True for `!pattern`, which re-includes what earlier rules excluded. */
  negate: boolean;
}

/** Compiles one pattern the way Docker's pattern matcher does: `*` and `?` stop at `/`, `**` crosses it. */
function compilePattern(pattern: string): RegExp {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        i++;
        if (pattern[i + 1] === "/") {
          // `**/` matches zero or more whole directories.
          i++;
          re += "(?:.*/)?";
        } else {
          re += ".*";
        }
      } else {
        re += "[^/]*";
      }
    } else if (c === "?") {
      re += "[^/]";
    } else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end === -1) {
        re += "\\[";
      } else {
        let cls = pattern.slice(i + 1, end);
        if (cls.startsWith("^") || cls.startsWith("!")) cls = `^${cls.slice(1)}`;
        re += `[${cls.replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else if (c === "\\" && i + 1 < pattern.length) {
      i++;
      re += pattern[i].replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    } else {
      re += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    }
  }
  return new RegExp(`${re}$`);
}

/** Cleans a pattern like Go's `filepath.Clean` does for Docker: no `./`, no leading or trailing `/`. */
function cleanPattern(raw: string): string {
  const parts: string[] = [];
  for (const part of raw.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return parts.join("/");
}

/** Parses `.dockerignore` text: one pattern a line, `#` comments, `!` exceptions, blank lines skipped. */
export function parseDockerignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const line of text.split(/\r?\n/)) {
    let pattern = line.trim();
    if (pattern === "" || pattern.startsWith("#")) continue;
    const negate = pattern.startsWith("!");
    if (negate) pattern = pattern.slice(1).trim();
    pattern = cleanPattern(pattern);
    if (pattern === "") continue;
    rules.push({ pattern, regex: compilePattern(pattern), negate });
  }
  return rules;
}

/**
 * Whether `.dockerignore` rules exclude a context-relative path. As in Docker, the last rule that matches the
 * path or one of its parent directories decides, so ignoring a directory ignores everything under it.
 */
export function isIgnored(relPath: string, rules: readonly IgnoreRule[]): boolean {
  const parts = relPath.split("/");
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join("/"));
  let ignored = false;
  for (const rule of rules) {
    if (prefixes.some((p) => rule.regex.test(p))) ignored = !rule.negate;
  }
  return ignored;
}

/** A file of the build context as the hash sees it. */
export interface ContextFile {
  /** Path relative to the context, `/`-separated. */
  path: string;
  /** File bytes (a symbolic link's target's bytes; for a link to a folder, the link text). */
  content: Buffer;
  /** Permission bits (`mode & 0o7777`); Docker's digest covers the mode. */
  mode: number;
  /** For a symbolic link, the path it points to. */
  linkTarget?: string;
}

/**
 * Reads the files `docker build` would send for `contextDir`, honouring its ignore file and ALWAYS_EXCLUDED,
 * sorted by path. `dockerfile` is the Dockerfile's path relative to the context. The ignore file is
 * `<dockerfile>.dockerignore` when it exists (BuildKit's per-Dockerfile ignore file), else `.dockerignore`;
 * it and the Dockerfile are always included, as Docker always sends them.
 */
export function readBuildContext(contextDir: string, dockerfile = "Dockerfile"): ContextFile[] {
  const dockerfileRel = cleanPattern(dockerfile.split(path.sep).join("/"));
  const specific = `${dockerfileRel}.dockerignore`;
  const ignoreRel = fs.existsSync(path.join(contextDir, specific)) ? specific : ".dockerignore";
  const ignorePath = path.join(contextDir, ignoreRel);
  const rules = fs.existsSync(ignorePath) ? parseDockerignore(fs.readFileSync(ignorePath, "utf8")) : [];
  const buildFiles = new Set([ignoreRel, dockerfileRel]);
  // Without `!` exceptions nothing inside an ignored directory can come back, so it need not be read.
  const canReinclude = rules.some((r) => r.negate);
  const files: ContextFile[] = [];
  const walk = (relDir: string) => {
    for (const entry of fs.readdirSync(path.join(contextDir, relDir), { withFileTypes: true })) {
      const rel = relDir === "" ? entry.name : `${relDir}/${entry.name}`;
      if (relDir === "" && (ALWAYS_EXCLUDED as readonly string[]).includes(entry.name)) continue;
      const keep = buildFiles.has(rel) || !isIgnored(rel, rules);
      const full = path.join(contextDir, rel);
      if (entry.isDirectory()) {
        if (keep || canReinclude) walk(rel);
      } else if (keep && entry.isSymbolicLink()) {
        const linkTarget = fs.readlinkSync(full);
        const target = fs.existsSync(full) ? fs.statSync(full) : undefined;
        const content = target?.isFile() ? fs.readFileSync(full) : Buffer.from(linkTarget);
        files.push({ path: rel, content, mode: (target?.mode ?? 0) & 0o7777, linkTarget });
      } else if (keep && entry.isFile()) {
        files.push({ path: rel, content: fs.readFileSync(full), mode: fs.statSync(full).mode & 0o7777 });
      }
    }
  };
  walk("");
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Length of the tag: 16 hex digits (64 bits) keeps tags readable and collisions out of reach. */
const TAG_LENGTH = 16;

/**
 * The tag for these files built for `platform`: a SHA-256 over the platform and every file's path, link
 * target, permission bits and content, each length-prefixed so no two different contexts frame the same
 * bytes. Pure: the same files in any order give the same tag.
 */
export function contentTag(files: readonly ContextFile[], platform: string): string {
  const hash = createHash("sha256");
  const field = (value: string | Buffer) => {
    const bytes = typeof value === "string" ? Buffer.from(value) : value;
    hash.update(`${bytes.length}:`);
    hash.update(bytes);
  };
  field("ecs-json-api image v1");
  field(platform);
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of sorted) {
    field(file.path);
    field(file.linkTarget === undefined ? "file" : `link:${file.linkTarget}`);
    field(file.mode.toString(8));
    field(file.content);
  }
  return hash.digest("hex").slice(0, TAG_LENGTH);
}

/** The content-derived tag of the build context at `contextDir` for `platform`. */
export function buildContextTag(contextDir: string, platform: string, dockerfile = "Dockerfile"): string {
  return contentTag(readBuildContext(contextDir, dockerfile), platform);
}
