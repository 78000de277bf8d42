/**
 * The content folder's rules, part of the contract: the JsonBucket component (which seeds the real bucket) and the
 * local run (which seeds the embedded S3) both read the folder with them, so a document that works locally
 * deploys, and one that fails here fails both:
 * - every `*.json` file directly in the folder is a document, served under its file name without `.json`;
 * - each must be UTF-8 text that parses as JSON, no larger than the service serves, and its name a valid key
 *   (`keyProblem` in service/src/keys.ts, the rule the service enforces too);
 * - hidden entries (starting with '.', e.g. .DS_Store, .gitkeep) and `*.md` notes (content/README.md) are skipped;
 * - anything else is a problem: a sub-folder (a key cannot contain '/', so it could never be served), any other
 *   file (`notes.txt`, `foo.JSON`, `foo.json.bak`: probably a document by mistake, so refused, not skipped);
 * - keys cannot collide: the folder is flat and a key is its file's name;
 * - an empty folder has no documents; a missing folder is a problem.
 * No Pulumi here: plain Node, so the local run can use it too.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { VARIABLES } from "./environment";
import { keyProblem } from "./keys";

/**
 * The service's default MAX_DOCUMENT_BYTES: it answers 502 for anything larger, so a larger file is refused
 * here rather than deployed unservable.
 */
export const DEFAULT_MAX_DOCUMENT_BYTES = VARIABLES.MAX_DOCUMENT_BYTES.rule.default;

/** A content file that passed every check. */
export interface SeedDocument {
  /** The document key the service serves it under: the file name without `.json`. */
  key: string;
  /** The file name, e.g. `foo.json`. */
  fileName: string;
  /** Absolute path of the file. */
  path: string;
  /** SHA-256 of the file's bytes, hex: the object is updated whenever it changes. */
  sha256: string;
}

/** What `scanContentFolder` found: the documents, and every problem. */
export interface ContentScan {
  documents: SeedDocument[];
  problems: string[];
}

// Fatal: invalid UTF-8 is an error, not U+FFFD. ignoreBOM keeps a BOM in the text, so JSON.parse reports it
// instead of the service choking on it later.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Reads the content folder `dir` (shown in messages as `shownAs`) by the rules in this file's header, in file
 * name order, refusing files over `maxBytes`. Reports problems instead of throwing.
 */
export function scanContentFolder(
  dir: string,
  shownAs: string,
  maxBytes = DEFAULT_MAX_DOCUMENT_BYTES,
): ContentScan {
  const documents: SeedDocument[] = [];
  const problems: string[] = [];
  let entries: string[];
  try {
    if (!fs.statSync(dir).isDirectory())
      return { documents, problems: [`content folder "${shownAs}" is not a folder`] };
    entries = fs.readdirSync(dir).sort();
  } catch {
    return { documents, problems: [`content folder "${shownAs}" does not exist`] };
  }
  for (const fileName of entries) {
    if (fileName.startsWith(".")) continue;
    const full = path.join(dir, fileName);
    const shown = path.join(shownAs, fileName);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch (err) {
      problems.push(`${shown} cannot be read (${(err as NodeJS.ErrnoException).code})`);
      continue;
    }
    if (stat.isDirectory()) {
      problems.push(
        `${shown} is a folder; documents must sit directly in the content folder (a key cannot contain '/')`,
      );
      continue;
    }
    if (fileName.endsWith(".md")) continue;
    if (!fileName.endsWith(".json") || !stat.isFile()) {
      problems.push(
        `${shown} is not a .json document; the content folder holds *.json documents and *.md notes only`,
      );
      continue;
    }
    const key = fileName.slice(0, -".json".length);
    const problem = keyProblem(key);
    if (problem) problems.push(`${shown}: key "${key}" ${problem}`);
    if (stat.size > maxBytes) {
      problems.push(
        `${shown} is ${stat.size} bytes; the service serves documents of at most ${maxBytes} bytes (MAX_DOCUMENT_BYTES)`,
      );
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(full);
    } catch (err) {
      problems.push(`${shown} cannot be read (${(err as NodeJS.ErrnoException).code})`);
      continue;
    }
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      problems.push(`${shown} is not UTF-8 text`);
      continue;
    }
    try {
      JSON.parse(text);
    } catch (err) {
      problems.push(`${shown} is not valid JSON: ${(err as Error).message}`);
      continue;
    }
    if (!problem)
      documents.push({ key, fileName, path: full, sha256: createHash("sha256").update(bytes).digest("hex") });
  }
  return { documents, problems };
}
