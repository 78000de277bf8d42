/**
 * The stack evaluation harness: evaluates the real program (`index.ts`) for a named stack under Pulumi's mock
 * runtime, with that stack's config merged over the `Pulumi.yaml` defaults, and returns every registered
 * resource (type, name, parent, inputs with secrets unwrapped, options) and every invoke. It serves the tests,
 * the policy checks and the offline plan alike.
 *
 *   const prod = await evaluateStack("prod");
 *   prod.resourcesOfType("aws:ecs/service:Service");
 *
 * Each stack is evaluated in its own child process, so neither sees the other's registrations; results are
 * memoised per process by stack and overrides. Single components are evaluated in-process with
 * `runUnderMocks`, which needs no isolation because it creates the resources itself.
 */
import { fork } from "node:child_process";
import { createHash } from "node:crypto";
import * as path from "node:path";
import { Evaluation, type SerializedEvaluation } from "./evaluation";
import { ACCOUNT_ID } from "./mocks";
import { PROJECT_ROOT, stackConfig } from "./stackFiles";

export { Evaluation } from "./evaluation";
export { ACCOUNT_ID, type RecordedInvoke, type RecordedResource } from "./mocks";
export { type RunOptions, runUnderMocks } from "./run";
export {
  configFileValues,
  exampleConfig,
  PROJECT_ROOT,
  projectDefaults,
  readStackFile,
  stackConfig,
} from "./stackFiles";

export interface EvaluateOptions {
  /** Config values (`namespace:key` to string) laid over the stack file, e.g. to test a bad value. */
  overrides?: Record<string, string>;
  /** The program module to evaluate. Defaults to index.ts in the project root. */
  programPath?: string;
  /**
   * Folder of the Pulumi project (its Pulumi.yaml and stack files), for programs other than the main one,
   * such as bootstrap/. Defaults to the repository root.
   */
  projectRoot?: string;
  /** Give up after this many milliseconds. Defaults to 90 s. */
  timeoutMs?: number;
  /**
   * Evaluate the stack as one that has been deployed before: its release record (the SSM parameters the
   * Registry writes) holds an image for every configured service, as after a first promotion. Off, the stack
   * is evaluated as never deployed. Defaults to true.
   */
  deployedBefore?: boolean;
}

/**
 * The release record of a stack deployed before: `/<project>/<stack>/release/<service>` for the API and every
 * service of `ecs-json-api:services`, each an image in the shared repository pinned by a digest derived from
 * the stack and service (stable across runs).
 */
export function recordedRelease(
  project: string,
  stack: string,
  config: Record<string, string>,
): Record<string, string> {
  let others: string[] = [];
  try {
    others = Object.keys(JSON.parse(config[`${project}:services`] ?? "{}"));
  } catch {
    // The program reports an unparsable services value itself.
  }
  const region = config["aws:region"] ?? "eu-west-1";
  return Object.fromEntries(
    ["api", ...others].map((service) => [
      `/${project}/${stack}/release/${service}`,
      `${ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/${project}@sha256:${createHash("sha256").update(`${stack}/${service}`).digest("hex")}`,
    ]),
  );
}

/** Raised when the program fails to evaluate; carries the program's own message. */
export class EvaluationError extends Error {
  constructor(
    readonly stack: string,
    message: string,
  ) {
    super(message);
    this.name = "EvaluationError";
  }
}

const cache = new Map<string, Promise<Evaluation>>();

/** Evaluates the program for `stack` in a fresh process. Memoised by stack and options. */
export function evaluateStack(stack: string, options: EvaluateOptions = {}): Promise<Evaluation> {
  const key = JSON.stringify([
    stack,
    options.overrides ?? {},
    options.programPath ?? "",
    options.projectRoot ?? "",
    options.deployedBefore ?? true,
  ]);
  let pending = cache.get(key);
  if (!pending) {
    pending = evaluateInChild(stack, options);
    cache.set(key, pending);
  }
  return pending;
}

function evaluateInChild(stack: string, options: EvaluateOptions): Promise<Evaluation> {
  const root = options.projectRoot ?? PROJECT_ROOT;
  const { project, config } = stackConfig(stack, options.overrides, root);
  const programPath = options.programPath ?? path.join(root, "index.ts");
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, "worker.ts"), [], {
      cwd: root,
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    let output = "";
    child.stdout?.on("data", (d) => {
      output += d;
    });
    child.stderr?.on("data", (d) => {
      output += d;
    });
    let settled = false;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      finish(() => reject(new EvaluationError(stack, `evaluating stack ${stack} timed out\n${output}`)));
    }, options.timeoutMs ?? 90_000);
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      f();
    };
    child.on(
      "message",
      (msg: { ok: boolean; evaluation?: SerializedEvaluation; error?: { message: string } }) => {
        if (msg.ok && msg.evaluation)
          finish(() => resolve(Evaluation.fromJSON(msg.evaluation as SerializedEvaluation)));
        else finish(() => reject(new EvaluationError(stack, msg.error?.message ?? "unknown error")));
      },
    );
    child.on("exit", (code) => {
      finish(() =>
        reject(new EvaluationError(stack, `evaluation of stack ${stack} exited with ${code}\n${output}`)),
      );
    });
    const parameters = (options.deployedBefore ?? true) ? recordedRelease(project, stack, config) : {};
    child.send({ stack, project, config, programPath, parameters });
  });
}
