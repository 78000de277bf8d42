/**
 * Reads stack configuration the way the Pulumi CLI hands it to a program: the project's declared defaults from
 * `Pulumi.yaml`, overlaid with `Pulumi.<stack>.yaml`, every value a string keyed `namespace:key`.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

/** The project root (where Pulumi.yaml lives). */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

interface ProjectFile {
  name: string;
  config?: Record<string, { type?: string; default?: unknown; description?: string } | unknown>;
}

function asConfigString(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The parsed Pulumi.yaml. */
export function readProjectFile(root = PROJECT_ROOT): ProjectFile {
  return parse(readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as ProjectFile;
}

/** The project's name and its declared config defaults, keyed `project:key`. */
export function projectDefaults(root = PROJECT_ROOT): { project: string; defaults: Record<string, string> } {
  const project = readProjectFile(root);
  const defaults: Record<string, string> = {};
  for (const [key, decl] of Object.entries(project.config ?? {})) {
    const fullKey = key.includes(":") ? key : `${project.name}:${key}`;
    const value = decl !== null && typeof decl === "object" && "default" in decl ? decl.default : decl;
    if (value !== undefined) defaults[fullKey] = asConfigString(value);
  }
  return { project: project.name, defaults };
}

/** The stack file's own config (no defaults), keyed as written. Throws when the file is missing. */
export function readStackFile(stack: string, root = PROJECT_ROOT): Record<string, string> {
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) throw new Error(`harness: no stack file ${file}`);
  const parsed = (parse(readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed.config ?? {})) {
    if (value !== null && typeof value === "object" && "secure" in value) {
      throw new Error(
        `harness: ${key} in ${file} is a secret; the harness cannot decrypt it, override it instead`,
      );
    }
    config[key] = asConfigString(value);
  }
  return config;
}

/** The full config a stack's program sees: project defaults, then the stack file, then `overrides`. */
export function stackConfig(
  stack: string,
  overrides: Record<string, string> = {},
  root = PROJECT_ROOT,
): { project: string; config: Record<string, string> } {
  const { project, defaults } = projectDefaults(root);
  return { project, config: { ...defaults, ...readStackFile(stack, root), ...overrides } };
}

/**
 * The config of an example file (`stacks/examples/<name>.yaml`), keyed and valued as the CLI passes config:
 * lists and maps as JSON text. Laid over a stack file with `evaluateStack(stack, { overrides })`.
 */
export function exampleConfig(example: string, root = PROJECT_ROOT): Record<string, string> {
  return configFileValues(path.join(root, "stacks", "examples", `${example}.yaml`));
}

/** The `config:` of a YAML file shaped like a stack file, each value as the CLI would hand it to the program. */
export function configFileValues(file: string): Record<string, string> {
  if (!existsSync(file)) throw new Error(`harness: no config file ${file}`);
  const parsed = (parse(readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  if (!parsed.config || typeof parsed.config !== "object")
    throw new Error(`harness: ${file} has no config: map`);
  return Object.fromEntries(Object.entries(parsed.config).map(([k, v]) => [k, asConfigString(v)]));
}
