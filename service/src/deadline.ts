/**
 * Runs `work` with a signal that aborts after `ms`. The timer is cleared as soon as the work settles, so whatever
 * the signal's listeners hold (a response stream, the SDK's request) is freed with the request: AbortSignal.timeout
 * would keep it all alive for the full `ms` (measured: +70 MB RSS at 800 S3 reads/s with a 5 s budget).
 */
export async function withDeadline<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException(`no answer within ${ms} ms`, "TimeoutError")),
    ms,
  );
  try {
    return await work(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}
