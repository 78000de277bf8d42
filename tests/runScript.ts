/** Runs the delivery scripts the way a workflow step does, for the tests of .github/scripts. */
import { execFile } from "node:child_process";

/** Runs a command to completion; resolves with its exit code and its stdout and stderr together. */
export function run(
  command: string,
  args: string[],
  env: Record<string, string>,
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { env: { ...process.env, ...env }, timeout: options.timeoutMs ?? 60_000, cwd: options.cwd },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, output: stdout + stderr });
      },
    );
  });
}
