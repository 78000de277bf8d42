/**
 * A fake cloud for Pulumi's mock runtime. It records every resource registration and every invoke, and answers
 * with outputs plausible enough for the program to wire resources together (ids, ARNs, names, DNS names,
 * image digests). Invokes it does not know fail loudly: a program that needs a new data source must be taught
 * here, not handed garbage.
 *
 * It also refuses what AWS would refuse: a resource whose inputs break a documented constraint
 * (lib/constraints) fails its registration with the check's own message, and an invoke answers only the
 * questions AWS answers (the SSM parameter paths that exist, the regions and zones there are).
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import {
  aggregateViolationsWith,
  checkResource,
  formatViolations,
  generatedModels,
  providerDefaultTags,
} from "../constraints";

export const ACCOUNT_ID = "123456789012";

/** A resource as the program registered it. */
export interface RecordedResource {
  /** Type token, e.g. `aws:ecs/service:Service`. */
  type: string;
  /** Logical name. */
  name: string;
  /** True for provider-backed resources, false for components. */
  custom: boolean;
  /** Inputs with secrets unwrapped. */
  inputs: Record<string, any>;
  /** Outputs the mock answered with (inputs plus fabricated ids). */
  state: Record<string, any>;
  /** The provider reference (`urn::id`), when one was passed. */
  provider?: string;
  /** The parent's type and name, from the resource options; undefined for the stack itself. */
  parent?: { type: string; name: string };
  /** Resource options that matter for teardown and safety. */
  options: {
    protect?: boolean;
    retainOnDelete?: boolean;
    deleteBeforeReplace?: boolean;
    dependsOn: string[];
  };
}

/** An invoke the program made. */
export interface RecordedInvoke {
  token: string;
  args: Record<string, any>;
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Replaces Pulumi's secret envelopes with their values, recursively. */
export function unwrapSecrets(value: any): any {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value !== null && typeof value === "object") {
    if (value[SECRET_SIG] === "1b47061264138c4ac30d75fd1eb44270") return unwrapSecrets(value.value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

const shortHash = (s: string, n = 8) => createHash("sha256").update(s).digest("hex").slice(0, n);

/** `aws:ecs/service:Service` -> `ecs`. */
function awsService(type: string): string {
  const m = /^aws:([a-z0-9]+)\//i.exec(type);
  return (m?.[1] ?? "unknown").toLowerCase();
}

type OutputFiller = (name: string, inputs: Record<string, any>, region: string) => Record<string, any>;

/** Outputs for types whose consumers read more than an id and an ARN. Extend when a program reads more. */
const OUTPUTS: Record<string, OutputFiller> = {
  "awsx:ec2:Vpc": (name, inputs) => {
    const azs: number = inputs.availabilityZoneNames?.length ?? inputs.numberOfAvailabilityZones ?? 3;
    const ids = (kind: string) =>
      Array.from({ length: azs }, (_, i) => `subnet-${kind}-${i}-${shortHash(name)}`);
    return {
      vpcId: `vpc-${shortHash(name)}`,
      publicSubnetIds: ids("public"),
      privateSubnetIds: ids("private"),
      isolatedSubnetIds: [],
    };
  },
  "aws:ec2/vpc:Vpc": (name) => ({
    id: `vpc-${shortHash(name)}`,
    defaultSecurityGroupId: `sg-default-${shortHash(name)}`,
  }),
  "aws:ec2/securityGroup:SecurityGroup": (name) => ({ id: `sg-${shortHash(name)}` }),
  "aws:ec2/launchTemplate:LaunchTemplate": (name, inputs) => ({
    id: `lt-${shortHash(name, 17)}`,
    latestVersion: 1,
    defaultVersion: 1,
    ...inputs,
  }),
  "aws:s3/bucket:Bucket": (name, inputs) => {
    const bucket = inputs.bucket ?? `${name}-${shortHash(name)}`;
    return {
      bucket,
      id: bucket,
      arn: `arn:aws:s3:::${bucket}`,
      bucketRegionalDomainName: `${bucket}.s3.amazonaws.com`,
    };
  },
  "aws:lb/loadBalancer:LoadBalancer": (name, _inputs, region) => {
    const suffix = `app/${name}/${shortHash(name, 16)}`;
    return {
      arnSuffix: suffix,
      dnsName: `${name}-${shortHash(name)}.${region}.elb.amazonaws.com`,
      zoneId: "Z32O12XQLNTSW2",
      arn: `arn:aws:elasticloadbalancing:${region}:${ACCOUNT_ID}:loadbalancer/${suffix}`,
    };
  },
  "aws:lb/targetGroup:TargetGroup": (name, _inputs, region) => {
    const suffix = `targetgroup/${name}/${shortHash(name, 16)}`;
    return { arnSuffix: suffix, arn: `arn:aws:elasticloadbalancing:${region}:${ACCOUNT_ID}:${suffix}` };
  },
  "aws:ecr/repository:Repository": (name, _inputs, region) => ({
    repositoryUrl: `${ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/${name}-${shortHash(name)}`,
    registryId: ACCOUNT_ID,
  }),
  "docker:index/image:Image": (_name, inputs) => {
    const imageName: string = inputs.imageName ?? "unknown:tag";
    const repo = imageName.replace(/:[^:/]+$/, "");
    return {
      imageName,
      repoDigest: `${repo}@sha256:${createHash("sha256").update(JSON.stringify(inputs)).digest("hex")}`,
    };
  },
  "aws:route53/zone:Zone": (name, inputs) => ({
    zoneId: `Z${shortHash(name, 12).toUpperCase()}`,
    name: inputs.name,
  }),
  "aws:acm/certificate:Certificate": (name, inputs) => ({
    domainValidationOptions: [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])].map(
      (domainName: string) => ({
        domainName,
        resourceRecordName: `_${shortHash(name + domainName)}.${domainName}.`,
        resourceRecordType: "CNAME",
        resourceRecordValue: `_${shortHash(domainName)}.acm-validations.aws.`,
      }),
    ),
  }),
  "aws:ecs/taskDefinition:TaskDefinition": (_name, inputs) => ({ revision: 1, family: inputs.family }),
  "aws:kms/key:Key": (name) => ({ keyId: `key-${shortHash(name)}` }),
  // CloudWatch Logs ARNs: service `logs`, `log-group:<name>`, without the trailing `:*`.
  "aws:cloudwatch/logGroup:LogGroup": (name, inputs, region) => {
    const groupName = physicalName(name, inputs);
    return { name: groupName, arn: `arn:aws:logs:${region}:${ACCOUNT_ID}:log-group:${groupName}` };
  },
  // Lambda function ARNs end in `function:<name>`.
  "aws:lambda/function:Function": (name, inputs, region) => {
    const functionName = physicalName(name, inputs);
    return { name: functionName, arn: `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${functionName}` };
  },
  // Route 53 answers a record's fully qualified name without the trailing dot.
  "aws:route53/record:Record": (_name, inputs) => ({ fqdn: String(inputs.name ?? "").replace(/\.$/, "") }),
  // SNS topic ARNs end in the bare topic name.
  "aws:sns/topic:Topic": (name, inputs, region) => ({
    arn: `arn:aws:sns:${region}:${ACCOUNT_ID}:${physicalName(name, inputs)}`,
  }),
};

/** Resource types whose `name` output is the physical name (auto-named with a suffix when not given). */
function physicalName(name: string, inputs: Record<string, any>): string {
  return inputs.name ?? `${name}-${shortHash(name, 7)}`;
}

/** Answers for the invokes the program makes. */
/**
 * The SSM parameters of the ECS-optimized Amazon Linux 2023 AMIs (x86_64 and arm64), the ones AWS documents
 * ("Retrieving Amazon ECS-optimized Linux AMI metadata"): AWS answers these names, not any name under the prefix.
 */
export const ECS_AMI_PARAMETERS = [
  "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
  "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
] as const;

/**
 * Availability Zones of the regions the stacks use, as AWS names them (zone IDs are per account in name but
 * fixed per region: euw1-az1..3). Another region needs its zones added here from AWS's documentation.
 */
const ZONES: Record<string, { names: string[]; zoneIds: string[] }> = {
  "eu-west-1": {
    names: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
    zoneIds: ["euw1-az1", "euw1-az2", "euw1-az3"],
  },
};

/**
 * Elastic Load Balancing's account per region, for access log bucket policies in regions created before
 * August 2022 ("Enable access logs for your Application Load Balancer"); eu-west-1's is 156460612806.
 */
const ELB_ACCOUNTS: Record<string, string> = { "eu-west-1": "156460612806" };

function knownRegion(region: string): string {
  if (!generatedModels().regions.includes(region)) {
    throw invokeError(`mock cloud: ${region} is not a region of the aws partition (botocore endpoints.json)`);
  }
  return region;
}

/** Answers for the invokes the program makes. */
const INVOKES: Record<string, (args: Record<string, any>, region: string) => Record<string, any>> = {
  "aws:index/getRegion:getRegion": (args, region) => {
    const name = knownRegion(args.region ?? args.name ?? region);
    return { id: name, name, region: name, endpoint: `ec2.${name}.amazonaws.com`, description: name };
  },
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    accountId: ACCOUNT_ID,
    arn: `arn:aws:iam::${ACCOUNT_ID}:user/mock`,
    id: ACCOUNT_ID,
    userId: "AIDAMOCK",
  }),
  "aws:index/getPartition:getPartition": (_args, region) => {
    knownRegion(region);
    return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws", reverseDnsPrefix: "com.amazonaws" };
  },
  "aws:index/getAvailabilityZones:getAvailabilityZones": (args, region) => {
    const zones = ZONES[knownRegion(args.region ?? region)];
    if (!zones) {
      throw invokeError(
        `mock cloud: no Availability Zones known for ${region}; add them to ZONES in lib/harness/mocks.ts`,
      );
    }
    return { ...zones, id: region, groupNames: [region] };
  },
  "aws:ssm/getParameter:getParameter": (args) => {
    if (!(ECS_AMI_PARAMETERS as readonly string[]).includes(String(args.name))) {
      throw invokeError(
        `mock cloud: ParameterNotFound: ${args.name} (the mock answers only ${ECS_AMI_PARAMETERS.join(" and ")})`,
      );
    }
    return {
      name: args.name,
      type: "String",
      value: `ami-${shortHash(args.name, 17)}`,
      insecureValue: "",
      id: args.name,
    };
  },
  "aws:ecr/getAuthorizationToken:getAuthorizationToken": (args, region) => {
    // GetAuthorizationToken takes registry ids of 12 digits (botocore ecr RegistryId pattern [0-9]{12}).
    if (args.registryId !== undefined && !/^[0-9]{12}$/.test(String(args.registryId))) {
      throw invokeError(
        `mock cloud: InvalidParameterException: registryId ${args.registryId} is not 12 digits`,
      );
    }
    return {
      authorizationToken: Buffer.from("AWS:mock-password").toString("base64"),
      userName: "AWS",
      password: "mock-password",
      proxyEndpoint: `https://${args.registryId ?? ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com`,
      expiresAt: "2099-01-01T00:00:00Z",
      id: region,
    };
  },
  "aws:elb/getServiceAccount:getServiceAccount": (args, region) => {
    const at = knownRegion(args.region ?? region);
    const account = ELB_ACCOUNTS[at];
    if (!account) throw invokeError(`mock cloud: no Elastic Load Balancing account known for ${at}`);
    return { arn: `arn:aws:iam::${account}:root`, id: account, region: at };
  },
  "aws:ecr/getRepository:getRepository": (args, region) => {
    // ECR repository names: 2-256 lower-case characters (botocore ecr RepositoryName).
    if (
      !/^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(
        String(args.name),
      )
    ) {
      throw invokeError(
        `mock cloud: InvalidParameterException: repositoryName ${args.name} is not a repository name`,
      );
    }
    const registryId = args.registryId ?? ACCOUNT_ID;
    return {
      name: args.name,
      arn: `arn:aws:ecr:${region}:${registryId}:repository/${args.name}`,
      registryId,
      repositoryUrl: `${registryId}.dkr.ecr.${region}.amazonaws.com/${args.name}`,
      imageTagMutability: "MUTABLE_WITH_EXCLUSION",
      id: args.name,
    };
  },
};

/** An invoke failure whose text survives Pulumi's RPC layer (which reads `details`, not `message`). */
function invokeError(message: string): Error {
  return Object.assign(new Error(message), { details: message });
}

/** The recorder and fake cloud behind one evaluation. */
export class MockCloud implements pulumi.runtime.Mocks {
  readonly resources: RecordedResource[] = [];
  readonly invokes: RecordedInvoke[] = [];
  /**
   * SSM parameters that exist in the fake account, by name: seeded by the caller (e.g. a stack's release
   * record from an earlier deploy), and written by the program's own `aws.ssm.Parameter`s.
   */
  readonly parameters: Map<string, string>;
  /** Options and parents seen by the stack transformation, keyed `type::name`. */
  readonly seenOptions = new Map<string, Pick<RecordedResource, "parent" | "options">>();

  constructor(
    readonly region: string,
    parameters: Record<string, string> = {},
  ) {
    this.parameters = new Map(Object.entries(parameters));
  }

  /** Provider resources' inputs by logical name, for the default tags they add to each resource. */
  private readonly providerInputs = new Map<string, Record<string, any>>();

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, any> } {
    const inputs = unwrapSecrets(args.inputs ?? {});
    if (args.type.startsWith("pulumi:providers:")) this.providerInputs.set(args.name, inputs);
    this.refuseWhatAwsRefuses(args, inputs);
    const filler = OUTPUTS[args.type];
    const service = awsService(args.type);
    const id = `${args.name}-id`;
    const base: Record<string, any> = {
      ...inputs,
      name: physicalName(args.name, inputs),
      arn: `arn:aws:${service}:${this.region}:${ACCOUNT_ID}:${args.type.split(":").pop()?.toLowerCase()}/${args.name}`,
    };
    if (args.type === "aws:iam/role:Role") base.arn = `arn:aws:iam::${ACCOUNT_ID}:role/${base.name}`;
    if (args.type === "aws:iam/policy:Policy") base.arn = `arn:aws:iam::${ACCOUNT_ID}:policy/${base.name}`;
    const state = { ...base, ...(filler ? filler(args.name, inputs, this.region) : {}) };
    if (args.type === "aws:ssm/parameter:Parameter" && typeof inputs.name === "string") {
      this.parameters.set(inputs.name, String(inputs.value ?? ""));
    }
    const seen = this.seenOptions.get(`${args.type}::${args.name}`);
    this.resources.push({
      type: args.type,
      name: args.name,
      custom: args.custom ?? true,
      inputs,
      state,
      provider: args.provider || undefined,
      parent: seen?.parent,
      options: seen?.options ?? { dependsOn: [] },
    });
    return { id: state.id ?? id, state };
  }

  /**
   * Throws the constraint check's report when AWS would refuse the resource's inputs, so the registration (and
   * the evaluation) fails as `pulumi up` would, naming the field, the value, the rule and its source.
   */
  private refuseWhatAwsRefuses(args: pulumi.runtime.MockResourceArgs, inputs: Record<string, any>): void {
    const providerName = args.provider ? args.provider.split("::").slice(0, -1).pop() : undefined;
    const providerTags = providerDefaultTags(
      providerName ? this.providerInputs.get(providerName) : undefined,
    );
    const resource = { type: args.type, name: args.name, inputs };
    const violations = [
      ...checkResource(resource, { providerTags }),
      ...aggregateViolationsWith(this.resources, resource),
    ];
    if (violations.length > 0) throw invokeError(`mock cloud refuses: ${formatViolations(violations)}`);
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
    const inputs = unwrapSecrets(args.inputs ?? {});
    this.invokes.push({ token: args.token, args: inputs });
    if (args.token === "aws:ssm/getParametersByPath:getParametersByPath") {
      // Like SSM: the parameters directly under the path (recursive lists deeper ones too).
      const prefix = String(inputs.path).endsWith("/") ? String(inputs.path) : `${inputs.path}/`;
      const found = [...this.parameters.entries()]
        .filter(([n]) => n.startsWith(prefix) && (inputs.recursive || !n.slice(prefix.length).includes("/")))
        .sort(([a], [b]) => a.localeCompare(b));
      return {
        arns: found.map(([n]) => `arn:aws:ssm:${this.region}:${ACCOUNT_ID}:parameter${n}`),
        names: found.map(([n]) => n),
        types: found.map(() => "String"),
        values: found.map(([, value]) => value),
        path: inputs.path,
        id: inputs.path,
      };
    }
    const answer = INVOKES[args.token];
    if (!answer) {
      throw invokeError(
        `mock cloud: no answer for invoke ${args.token}; teach lib/harness/mocks.ts what it returns`,
      );
    }
    return answer(inputs, this.region);
  }
}
