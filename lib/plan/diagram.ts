/**
 * The architecture as a Mermaid flowchart (GitHub renders it in Markdown, no tool needed): internet → ALB in
 * the public subnets → target group → the service's tasks on the Auto Scaling group's instances in the private
 * subnets → S3 through the gateway endpoint; ECR, CloudWatch Logs and alarms, reached through interface
 * endpoints or the NAT gateways depending on which exist. Pure: architecture in, text out, deterministic.
 */
import type { Architecture } from "./architecture";

/** A Mermaid label: quoted, with quotes escaped. */
const label = (lines: string[]) =>
  `"${lines
    .filter((l) => l !== "")
    .join("<br/>")
    .replace(/"/g, "#quot;")}"`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const range = (min?: number, max?: number) => (min !== undefined && max !== undefined ? `${min}–${max}` : "");

/** The Mermaid flowchart of an architecture. */
export function renderDiagram(a: Architecture): string {
  const out: string[] = ["flowchart LR", `  internet(("Internet"))`];
  const edges: string[] = [];
  const indent = (depth: number) => "  ".repeat(depth);
  const node = (depth: number, id: string, text: string) => out.push(`${indent(depth)}${id}${text}`);

  const inVpc = a.vpc !== undefined;
  const base = inVpc ? 3 : 1;
  if (a.vpc) {
    const title = [`VPC ${a.vpc.cidr ?? ""}`.trim(), plural(a.vpc.azs, "Availability Zone")].join(" · ");
    out.push(`  subgraph vpc[${label([title])}]`);
    out.push(`    subgraph public[${label([`Public subnets × ${a.vpc.publicSubnets}`])}]`);
  }

  // Public side: load balancers and NAT gateways.
  a.loadBalancers.forEach((lb, i) => {
    const traits = [
      lb.internal ? "internal" : "internet-facing",
      lb.deletionProtection ? "deletion protection" : "",
    ];
    node(
      base,
      `alb${i}`,
      `[${label([`Application Load Balancer`, lb.name, ...lb.listeners.map((l) => (lb.internetPorts.includes(listenerPort(l)) ? l : `${l} · VPC only`)), traits.filter(Boolean).join(" · ")])}]`,
    );
    // The internet reaches only the listeners the security groups open to it (a test listener is VPC-only).
    const entry = lb.listeners
      .map((l) => l.split(" → ")[0])
      .filter((l) => lb.internetPorts.includes(listenerPort(l)))
      .join(", ");
    if (!lb.internal) edges.push(`  internet -->|${entry || "no listener open"}| alb${i}`);
  });
  const nat = (a.vpc?.natGateways ?? 0) > 0;
  if (nat) node(base, "nat", `[${label([`NAT gateway × ${a.vpc?.natGateways}`])}]`);
  if (inVpc) {
    out.push("    end");
    out.push(`    subgraph private[${label([`Private subnets × ${a.vpc?.privateSubnets}`])}]`);
  }

  // Private side: target groups, instances with their tasks, capacity providers, interface endpoints.
  a.targetGroups.forEach((tg, i) => {
    node(
      base,
      `tg${i}`,
      `[${label(["Target group", tg.name, `${tg.protocol}${tg.port === undefined ? " to host ports" : ` :${tg.port}`}${tg.healthPath ? ` · health ${tg.healthPath}` : ""}`])}]`,
    );
    const routed = a.routes.filter((r) => r.targetGroup === tg.name);
    for (const [j, lb] of a.loadBalancers.entries()) {
      const mine = routed.filter((r) => r.loadBalancer === undefined || r.loadBalancer === lb.name);
      if (mine.length === 0 && a.routes.length > 0) continue;
      const how = mine
        .map((r) => `${r.listener ? `${r.listener} ` : ""}${r.match} · rule ${r.priority}`)
        .join(", ");
      edges.push(how ? `  alb${j} -->|${how}| tg${i}` : `  alb${j} --> tg${i}`);
    }
  });
  const serviceNode = (depth: number, i: number) => {
    const s = a.services[i];
    const tasks = [s.desired !== undefined ? `${s.desired} desired` : "", range(s.min, s.max)]
      .filter(Boolean)
      .join(", ");
    const mode =
      s.networkMode === "bridge" ? "bridge networking, dynamic host ports" : `${s.networkMode} networking`;
    node(
      depth,
      `svc${i}`,
      `[${label(["ECS service", s.name, tasks ? `tasks: ${tasks}` : "", mode, `releases: ${s.deployment}`])}]`,
    );
  };
  const placed = new Set<number>();
  a.autoScalingGroups.forEach((asg, i) => {
    const purchase = asg.spot ? "Spot" : "on-demand";
    const title = [
      "Auto Scaling group",
      asg.name,
      [asg.instanceType, purchase, `${range(asg.min, asg.max)} instances`].filter(Boolean).join(" · "),
    ];
    out.push(`${indent(base)}subgraph asg${i}[${label(title)}]`);
    a.services.forEach((s, j) => {
      if (s.asg === asg.name || (s.asg === undefined && a.autoScalingGroups.length === 1)) {
        serviceNode(base + 1, j);
        placed.add(j);
      }
    });
    out.push(`${indent(base)}end`);
  });
  a.services.forEach((_s, j) => {
    if (!placed.has(j)) serviceNode(base, j);
  });
  a.capacityProviders.forEach((cp, i) => {
    const scaling = cp.targetCapacity !== undefined ? `managed scaling, target ${cp.targetCapacity}%` : "";
    node(base, `cp${i}`, `[${label(["Capacity provider", cp.name, scaling])}]`);
    for (const [j, _asg] of a.autoScalingGroups.entries()) edges.push(`  cp${i} -.->|scales| asg${j}`);
  });
  const iface = a.interfaceEndpoints.length > 0;
  if (iface) node(base, "ifep", `[${label(["Interface endpoints", a.interfaceEndpoints.join(" · ")])}]`);
  if (inVpc) out.push("    end");
  const s3Gateway = a.gatewayEndpoints.includes("s3");
  if (s3Gateway) node(inVpc ? 2 : 1, "s3gw", `[${label(["S3 gateway endpoint"])}]`);
  if (inVpc) out.push("  end");

  // Regional services outside the VPC.
  for (const [i, b] of a.buckets.entries()) {
    node(1, `bucket${i}`, `[(${label(["S3 bucket", b.name, b.accessLogs ? "access logs" : ""])})]`);
  }
  for (const [i, r] of a.repositories.entries()) node(1, `ecr${i}`, `[(${label(["ECR repository", r])})]`);
  const repositoryIndex = (name: string) => a.repositories.indexOf(name);
  if (a.logGroups.length > 0) {
    const retention = [
      ...new Set(a.logGroups.map((g) => (g.retentionDays ? `${g.retentionDays} days` : "never expire"))),
    ];
    node(
      1,
      "logs",
      `[${label(["CloudWatch Logs", `${plural(a.logGroups.length, "log group")} · ${retention.join(", ")}`])}]`,
    );
  }
  if (a.alarms > 0) {
    node(
      1,
      "alarms",
      `[${label([`CloudWatch alarms × ${a.alarms}`, a.topics > 0 ? `notify ${plural(a.topics, "SNS topic")}` : ""])}]`,
    );
  }

  // Traffic: requests in, data and images out.
  a.services.forEach((s, j) => {
    for (const [i, tg] of a.targetGroups.entries()) {
      if (s.targetGroups.includes(tg.name)) edges.push(`  tg${i} -->|dynamic host ports| svc${j}`);
    }
    a.buckets.forEach((b, k) => {
      if (!s.reads.includes(b.name)) return;
      if (s3Gateway) edges.push(`  svc${j} -->|read documents| s3gw`, `  s3gw --> bucket${k}`);
      else edges.push(`  svc${j} -->|read documents${nat ? " via NAT" : ""}| bucket${k}`);
    });
    const via = iface ? "ifep" : nat ? "nat" : undefined;
    const hop = (target: string, what: string) =>
      via
        ? edges.push(`  svc${j} -.->|${what}| ${via}`, `  ${via} -.-> ${target}`)
        : edges.push(`  svc${j} -.->|${what}| ${target}`);
    for (const image of s.images) {
      const k = repositoryIndex(image);
      if (k >= 0) hop(`ecr${k}`, "pull image");
    }
    if (a.logGroups.length > 0) hop("logs", "write logs");
  });
  a.loadBalancers.forEach((lb, i) => {
    const k = a.buckets.findIndex((b) => b.name === lb.accessLogsBucket);
    if (k >= 0) edges.push(`  alb${i} -.->|access logs| bucket${k}`);
    if (a.alarms > 0) edges.push(`  alb${i} -.->|metrics| alarms`);
  });
  if (a.alarms > 0) for (const j of a.services.keys()) edges.push(`  svc${j} -.->|metrics| alarms`);
  if (nat) edges.push("  nat -.->|outbound| internet");

  return [...out, ...[...new Set(edges)]].join("\n");
}

/** The Markdown file holding a stack's diagram. */
export function diagramMarkdown(stack: string, a: Architecture): string {
  return [
    `# Architecture of the \`${stack}\` stack`,
    "",
    `Generated by \`npm run plan -- ${stack}\` from the program evaluated offline; do not edit by hand.`,
    "A test fails when this file no longer matches what the program would create.",
    "",
    "```mermaid",
    renderDiagram(a),
    "```",
    "",
  ].join("\n");
}

/** The port of a listener label (`HTTP :9000 → ...`). */
function listenerPort(listener: string): number {
  return Number(/:(\d+)/.exec(listener)?.[1]);
}
