import { write, writeSync } from "node:fs";

/** Queued characters that are written at once rather than at the next flush. */
const FLUSH_CHARS = 64 * 1024;

/**
 * Where pino writes the JSON lines: stdout, asynchronously, in one write every `flushMs` (or every 64 KiB) for all
 * the lines queued meanwhile. Not pino.destination (SonicBoom): its write measures the byte length of everything
 * already buffered on every line (measured: 3.5 us a line, a tenth of a cached request's CPU), and it writes
 * about once per event loop turn, each write a round trip through libuv's thread pool (measured: 6% of the CPU
 * of a loaded server); here a line costs a string append, and a busy server writes ten times a second. Lines wait
 * at most `flushMs`; flushSync writes what is left when the process exits.
 */
export class LogDestination {
  readonly #fd: number;
  readonly #maxPendingChars: number;
  readonly #flushMs: number;
  #pending = "";
  #writing = false;
  #scheduled = false;
  #timer: NodeJS.Timeout | undefined;
  #dropped = 0;

  /**
   * `fd` defaults to stdout. `maxPendingChars` bounds the memory held while the reader (the log driver) is slower
   * than we write; lines past it are dropped and counted, and the count is logged once writing resumes.
   */
  constructor(fd = 1, options: { maxPendingChars?: number; flushMs?: number } = {}) {
    this.#fd = fd;
    this.#maxPendingChars = options.maxPendingChars ?? 16 * 1024 * 1024;
    this.#flushMs = options.flushMs ?? 100;
  }

  /** Queues one line (pino passes it with its newline). */
  write(line: string): boolean {
    if (this.#pending.length + line.length > this.#maxPendingChars) {
      this.#dropped++;
      return false;
    }
    this.#pending += line;
    if (!this.#writing) this.#schedule();
    return true;
  }

  /** Writes at the next flush, or now when enough is queued; never more than one write at a time. */
  #schedule(): void {
    if (this.#pending.length >= FLUSH_CHARS) this.#flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      // Unref'd: a queued line never keeps the process alive; exit writes it (flushSync).
      this.#timer = setTimeout(this.#flush, this.#flushMs).unref();
    }
  }

  /** Writes everything queued now, blocking: for exit, when no later turn will come. */
  flushSync(): void {
    if (this.#scheduled) clearTimeout(this.#timer);
    this.#scheduled = false;
    this.#noteDropped();
    let data = Buffer.from(this.#pending);
    this.#pending = "";
    while (data.length > 0) {
      try {
        data = data.subarray(writeSync(this.#fd, data));
      } catch (error) {
        // A non-blocking pipe that is full: try again (exit cannot wait for a later turn).
        if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      }
    }
  }

  readonly #flush = (): void => {
    if (this.#scheduled) clearTimeout(this.#timer);
    this.#scheduled = false;
    this.#noteDropped();
    if (this.#writing || this.#pending === "") return;
    const data = this.#pending;
    this.#pending = "";
    this.#writing = true;
    this.#writeAll(data);
  };

  /** Writes `data` (a string: no Buffer copy in the common case of a complete write), then what queued meanwhile. */
  #writeAll(data: string | Buffer): void {
    const done = (error: NodeJS.ErrnoException | null, written: number) => {
      if (error && error.code !== "EAGAIN") {
        // stdout is gone: nothing to tell, and no reason to stop serving.
        this.#writing = false;
        this.#pending = "";
        return;
      }
      const bytes = typeof data === "string" ? Buffer.byteLength(data) : data.length;
      if (error || written < bytes) {
        // A partial write, or a full non-blocking pipe: the rest goes first, after a short pause if the pipe is full.
        const rest = (typeof data === "string" ? Buffer.from(data) : data).subarray(error ? 0 : written);
        if (error) setTimeout(() => this.#writeAll(rest), 10);
        else this.#writeAll(rest);
        return;
      }
      this.#writing = false;
      // What queued during the write waits for the next flush like any line: writing it at once would mean a
      // write per thread pool round trip under load (measured: 11% of the CPU profile).
      if (this.#pending !== "") this.#schedule();
    };
    if (typeof data === "string") write(this.#fd, data, null, "utf8", done);
    else write(this.#fd, data, 0, data.length, null, done);
  }

  #noteDropped(): void {
    if (this.#dropped === 0) return;
    const line = `{"level":40,"time":${Date.now()},"pid":${process.pid},"dropped":${this.#dropped},"msg":"log lines dropped: stdout was too slow"}\n`;
    this.#dropped = 0;
    this.#pending += line;
  }
}
