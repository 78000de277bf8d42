/**
 * The pre-traffic smoke test: a Lambda function ECS invokes at a managed deployment's POST_TEST_TRAFFIC_SHIFT
 * stage, when the load balancer's test listener sends all test traffic to the new revision and production
 * traffic still goes to the old one (ECS developer guide, "Lifecycle hooks for Amazon ECS service deployments").
 * It requests each check's path through the test listener and answers `SUCCEEDED` when every one gets the
 * status (and JSON body) it expects, `FAILED` otherwise, and ECS rolls the deployment back on `FAILED`.
 *
 * The test listener admits only the VPC's addresses, and the load balancer is internet-facing (its DNS name
 * resolves to public addresses, reached through NAT with a public source address), so the function, in the
 * VPC's private subnets, connects to the load balancer's private addresses: those of its network interfaces,
 * described `ELB app/<name>/<id>`, one per Availability Zone. Every one must pass.
 *
 * The function is packaged by the DeploymentHook component, which transpiles this file alone: it imports only
 * Node's modules, and the AWS SDK the Lambda runtime provides.
 */
import { request as httpRequest, type IncomingMessage, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";

/** One request the smoke test makes, and what it must answer. */
export interface Check {
  /** The path, e.g. `/api/foo`. */
  path: string;
  /** The status it must answer. */
  status: number;
  /** The JSON value the body must hold, when given (key order and spacing aside). */
  json?: unknown;
}

/** What the hook is told about the service (the hook's `hookDetails`). */
export interface SmokeTest {
  /** The load balancer's ARN suffix, `app/<name>/<id>`. */
  loadBalancer: string;
  /** The test listener's port. */
  port: number;
  /** The test listener's protocol: https when production serves TLS. Defaults to http. */
  protocol?: "http" | "https";
  /** The Host header to send: what the service's listener rule matches. */
  host: string;
  /** The requests and their expected answers. */
  checks: Check[];
}

/** The event ECS sends a lifecycle hook (the fields this function reads). */
export interface HookEvent {
  executionId?: string;
  lifecycleStage?: string;
  resourceArn?: string;
  executionDetails?: { serviceArn?: string; targetServiceRevisionArn?: string };
  hookDetails?: unknown;
}

/** What the hook answers ECS. */
export interface HookResult {
  hookStatus: "SUCCEEDED" | "FAILED";
}

/** What the handler depends on, replaceable in tests. */
export interface Dependencies {
  /** The private addresses the load balancer listens on in the VPC. */
  findAddresses(loadBalancer: string): Promise<string[]>;
  /** Attempts per check before it fails (a new target may still be registering). */
  attempts: number;
  /** Milliseconds between attempts. */
  delayMs: number;
  /** Milliseconds a request may take. */
  timeoutMs: number;
  /** Where lines about each check go. */
  log(line: Record<string, unknown>): void;
}

/** Why hookDetails is not a smoke test, or undefined when it is one. */
export function smokeTestProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") return "hookDetails is not an object";
  const v = value as Record<string, unknown>;
  if (typeof v.loadBalancer !== "string" || !/^app\/[^/]+\/[0-9a-f]+$/.test(v.loadBalancer))
    return "hookDetails.loadBalancer is not an ALB ARN suffix app/<name>/<id>";
  if (!Number.isInteger(v.port) || (v.port as number) < 1 || (v.port as number) > 65535)
    return "hookDetails.port is not a port";
  if (v.protocol !== undefined && v.protocol !== "http" && v.protocol !== "https")
    return "hookDetails.protocol is neither http nor https";
  if (typeof v.host !== "string" || v.host === "") return "hookDetails.host is not a host name";
  if (!Array.isArray(v.checks) || v.checks.length === 0) return "hookDetails.checks is empty";
  for (const c of v.checks as Check[]) {
    if (typeof c?.path !== "string" || !c.path.startsWith("/"))
      return "a check's path does not start with '/'";
    if (!Number.isInteger(c.status)) return `check ${c.path} has no status`;
  }
  return undefined;
}

/** The same JSON value, whatever the key order. */
function canonical(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v !== null && typeof v === "object"
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(sort(value));
}

/**
 * One GET to `address:port` with the Host header; resolves with the status and body, or the error's text. Over
 * HTTPS the certificate is not verified: it names the service's domain, never the load balancer's private
 * address this connects to inside the VPC; the check is of the new revision's answers, and TLS still encrypts.
 */
function get(
  test: Pick<SmokeTest, "port" | "host" | "protocol">,
  address: string,
  path: string,
  timeoutMs: number,
): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const options: RequestOptions & { rejectUnauthorized?: boolean; servername?: string } = {
      host: address,
      port: test.port,
      path,
      method: "GET",
      headers: { host: test.host, "user-agent": "ecs-json-api-smoke-test" },
      timeout: timeoutMs,
      agent: false,
    };
    const https = test.protocol === "https";
    if (https) {
      options.rejectUnauthorized = false;
      options.servername = test.host;
    }
    const req = (https ? httpsRequest : httpRequest)(options, (res: IncomingMessage) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (err: Error) => resolve({ error: err.message }));
    req.end();
  });
}

/** Why an answer does not meet the check, or undefined when it does. */
export function checkProblem(
  check: Check,
  answer: { status: number; body: string } | { error: string },
): string | undefined {
  if ("error" in answer) return answer.error;
  if (answer.status !== check.status) return `status ${answer.status}, expected ${check.status}`;
  if (check.json !== undefined) {
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      return "the body is not JSON";
    }
    if (canonical(body) !== canonical(check.json)) return "the body is not the expected document";
  }
  return undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs every check against every address; returns the failures (empty when the revision is good), in address
 * order. The addresses (one per load balancer node, more as it scales) are checked at once, each running its
 * checks in turn, so the worst case is one address's (checks × attempts × (timeout + delay)) however many
 * nodes there are, well inside the function's timeout.
 */
export async function runSmokeTest(
  test: SmokeTest,
  addresses: string[],
  deps: Dependencies,
): Promise<string[]> {
  if (addresses.length === 0) return [`no network interface of ${test.loadBalancer} was found`];
  const perAddress = await Promise.all(
    addresses.map(async (address) => {
      const failures: string[] = [];
      for (const check of test.checks) {
        let problem: string | undefined;
        for (let attempt = 1; attempt <= deps.attempts; attempt++) {
          problem = checkProblem(check, await get(test, address, check.path, deps.timeoutMs));
          deps.log({ address, path: check.path, attempt, ok: problem === undefined, problem });
          if (problem === undefined) break;
          if (attempt < deps.attempts) await sleep(deps.delayMs);
        }
        if (problem !== undefined) failures.push(`${address}:${test.port}${check.path}: ${problem}`);
      }
      return failures;
    }),
  );
  return perAddress.flat();
}

/** The handler, with its dependencies. */
export function makeHandler(deps: Dependencies): (event: HookEvent) => Promise<HookResult> {
  return async (event) => {
    let details = event.hookDetails;
    if (typeof details === "string") {
      try {
        details = JSON.parse(details);
      } catch {
        details = undefined;
      }
    }
    const problem = smokeTestProblem(details);
    if (problem) {
      deps.log({ stage: event.lifecycleStage, failed: problem });
      return { hookStatus: "FAILED" };
    }
    const test = details as SmokeTest;
    let addresses: string[];
    try {
      addresses = await deps.findAddresses(test.loadBalancer);
    } catch (err) {
      deps.log({
        stage: event.lifecycleStage,
        failed: `cannot find the load balancer: ${(err as Error).message}`,
      });
      return { hookStatus: "FAILED" };
    }
    const failures = await runSmokeTest(test, addresses, deps);
    deps.log({
      stage: event.lifecycleStage,
      revision: event.executionDetails?.targetServiceRevisionArn,
      passed: failures.length === 0,
      failures,
    });
    return { hookStatus: failures.length === 0 ? "SUCCEEDED" : "FAILED" };
  };
}

/** The EC2 client calls this function makes, as the Lambda runtime's AWS SDK provides them. */
interface Ec2Sdk {
  EC2Client: new (
    config: object,
  ) => { send(command: unknown): Promise<{ NetworkInterfaces?: { PrivateIpAddress?: string }[] }> };
  DescribeNetworkInterfacesCommand: new (input: object) => unknown;
}

/** The load balancer's private addresses: its network interfaces are described `ELB app/<name>/<id>`. */
export async function loadBalancerAddresses(loadBalancer: string): Promise<string[]> {
  // The runtime's SDK (nodejs24.x includes AWS SDK v3); a variable name keeps bundlers and tsc from resolving it.
  const sdkModule = "@aws-sdk/client-ec2";
  const sdk = (await import(sdkModule)) as Ec2Sdk;
  const client = new sdk.EC2Client({});
  const result = await client.send(
    new sdk.DescribeNetworkInterfacesCommand({
      Filters: [
        { Name: "description", Values: [`ELB ${loadBalancer}`] },
        { Name: "status", Values: ["in-use"] },
      ],
    }),
  );
  return (result.NetworkInterfaces ?? [])
    .flatMap((n) => (n.PrivateIpAddress ? [n.PrivateIpAddress] : []))
    .sort();
}

/** The Lambda entry point. */
export const handler = makeHandler({
  findAddresses: loadBalancerAddresses,
  attempts: 5,
  delayMs: 3000,
  timeoutMs: 5000,
  log: (line) => console.log(JSON.stringify(line)),
});
