/**
 * Child-process entry of `evaluateStack`: evaluates the program module for one stack under mocks and sends
 * the evaluation (or the error) to the parent. A fresh process per stack, because a program module registers
 * its resources only once per process (the require cache).
 */
import { runUnderMocks } from "./run";

interface Request {
  stack: string;
  project: string;
  config: Record<string, string>;
  programPath: string;
  parameters: Record<string, string>;
}

process.once("message", async (request: Request) => {
  try {
    const evaluation = await runUnderMocks(() => require(request.programPath), request);
    process.send?.({ ok: true, evaluation: evaluation.toJSON() }, () => process.exit(0));
  } catch (err) {
    const error =
      err instanceof Error
        ? { message: err.message, name: err.name, stack: err.stack }
        : { message: String(err) };
    process.send?.({ ok: false, error }, () => process.exit(0));
  }
});
