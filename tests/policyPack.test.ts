/**
 * The pack as a deliverable: its policies are well-formed and name their controls, its documented exceptions
 * point at real policies, and the folder runs under Pulumi's own policy-pack runner (the one `pulumi preview
 * --policy-pack policy` starts), answering the analyzer protocol over gRPC.
 */
import * as assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { PROJECT_ROOT } from "../lib/harness";
import { EXCEPTIONS, POLICY_PACK_NAME, policies } from "../policy/policies";

const CONTROL_TAG =
  /^(securityhub:[A-Za-z0-9]+\.\d+|checkov:CKV2?_AWS_\d+|related:securityhub:[A-Za-z0-9]+\.\d+|design:[a-z-]+)$/;

describe("policy pack", () => {
  it("has uniquely named, mandatory, described policies", () => {
    const names = policies.map((p) => p.name);
    assert.deepEqual([...new Set(names)], names);
    for (const p of policies) {
      assert.match(p.name, /^[a-z0-9-]+$/, p.name);
      assert.equal(p.enforcementLevel, "mandatory", p.name);
      assert.ok(p.description.length > 20, `${p.name} has no real description`);
    }
  });

  it("tags every policy with the public controls it implements, or says it is a design rule", () => {
    for (const p of policies) {
      assert.ok((p.tags ?? []).length > 0, `${p.name} names no control`);
      for (const tag of p.tags ?? []) assert.match(tag, CONTROL_TAG, `${p.name}: ${tag}`);
    }
  });

  it("documents each exception with its control and reason, pointing only at policies of the pack", () => {
    const names = new Set(policies.map((p) => p.name));
    for (const e of EXCEPTIONS) {
      assert.ok(e.control && e.asks && e.reason.length > 40, JSON.stringify(e));
      for (const policy of (e.policy ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)) {
        assert.ok(names.has(policy), `exception for ${e.control} names unknown policy ${policy}`);
      }
    }
    assert.ok(
      EXCEPTIONS.some((e) => /awsvpc/.test(e.asks)),
      "the awsvpc departure is documented",
    );
  });

  it("lists every policy in policy/README.md", () => {
    const readme = readFileSync(path.join(PROJECT_ROOT, "policy", "README.md"), "utf8");
    const listed = [...readme.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual(
      listed,
      policies.map((p) => p.name),
    );
  });

  describe("under Pulumi's policy-pack runner", function () {
    this.timeout(180_000);
    const packDir = path.join(PROJECT_ROOT, "policy");
    // What the Pulumi CLI loads too: modules resolved from the pack's folder, i.e. the project's node_modules.
    const fromPack = createRequire(path.join(packDir, "index.ts"));
    const fromPulumi = createRequire(fromPack.resolve("@pulumi/pulumi/package.json"));
    const grpc = fromPulumi("@grpc/grpc-js");
    const analyzerRpc = fromPulumi("@pulumi/pulumi/proto/analyzer_grpc_pb");
    const analyzerProto = fromPulumi("@pulumi/pulumi/proto/analyzer_pb");
    const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb");
    const { Empty } = fromPulumi("google-protobuf/google/protobuf/empty_pb");
    let server: ChildProcess | undefined;
    let client: any;

    before(async () => {
      const runner = fromPack.resolve("@pulumi/pulumi/cmd/run-policy-pack");
      server = spawn(process.execPath, [runner, "127.0.0.1:1", "."], {
        cwd: packDir,
        stdio: ["ignore", "pipe", "pipe"],
      });
      const port = await new Promise<string>((resolve, reject) => {
        let out = "";
        let err = "";
        server?.stdout?.on("data", (d) => {
          out += d;
          const m = /^(\d+)\s*$/m.exec(out);
          if (m) resolve(m[1]);
        });
        server?.stderr?.on("data", (d) => {
          err += d;
        });
        server?.on("exit", (code) => reject(new Error(`policy pack exited with ${code}\n${out}\n${err}`)));
      });
      client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    after(() => {
      client?.close();
      server?.kill();
    });

    const call = <T>(method: string, request: unknown) =>
      new Promise<T>((resolve, reject) =>
        client[method](request, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))),
      );

    it("serves the pack's name, version and every policy", async () => {
      const info: any = await call("getAnalyzerInfo", new Empty());
      assert.equal(info.getName(), POLICY_PACK_NAME);
      assert.equal(info.getVersion(), fromPack("./package.json").version);
      assert.deepEqual(
        info.getPoliciesList().map((p: any) => p.getName()),
        policies.map((p) => p.name),
      );
    });

    it("reports a launch template without IMDSv2 when the engine asks it to analyze one", async () => {
      const request = new analyzerProto.AnalyzeRequest();
      request.setType("aws:ec2/launchTemplate:LaunchTemplate");
      request.setName("lt");
      request.setUrn("urn:pulumi:test::ecs-json-api::aws:ec2/launchTemplate:LaunchTemplate::lt");
      request.setProperties(
        Struct.fromJavaScript({
          metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 1 },
          blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true" } }],
          tagsAll: { project: "ecs-json-api", stack: "test" },
        }),
      );
      request.setOptions(new analyzerProto.AnalyzerResourceOptions());
      const response: any = await call("analyze", request);
      const diagnostics = response.getDiagnosticsList().map((d: any) => [d.getPolicyname(), d.getMessage()]);
      assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
      assert.equal(diagnostics[0][0], "launch-template-imdsv2");
      assert.match(diagnostics[0][1], /metadataOptions\.httpTokens is "optional"; it must be "required"/);
    });
  });
});
