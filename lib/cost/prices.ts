/**
 * The price table: on-demand list prices in USD, per region, each with the AWS pricing page that publishes it,
 * the committed file it was read from (repository, commit, path and the entry's key), and the date AWS published
 * that data. Nothing here is estimated or extrapolated: a region is priced only when every meter has a value read
 * from a source, and `PRICED_REGIONS` is computed from the table, not listed by hand.
 *
 * The AWS Price List API cannot be reached from here, so the numbers come from public repositories that commit the
 * JSON the AWS pricing pages themselves render (b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/...), or slices of
 * the AWS Price List bulk offer files. Where two sources hold the same meter they agree (checked on 2026-11-27:
 * every instance price below is equal in yeo/ec2.shop and iann0036/aws-price-watcher, and us-east-1's also in
 * aws/karpenter-provider-aws's table generated from the Price List API on 2026-07-20).
 *
 * Free tiers are not applied: they are per account and shared by every stack in it.
 */

/** When this table was compiled and its sources read. */
export const TABLE_DATE = "2026-11-27";

/** A price's provenance. */
export interface PriceSource {
  /** The AWS pricing page that publishes the price. */
  page: string;
  /** The committed file the number was read from, and the entry's key in it. */
  readFrom: string;
  /** When AWS published the data read (the file's manifest date, or the offer file's version). */
  published: string;
}

/** One priced quantity, in one region. */
export interface Price {
  /** US dollars per `unit`. */
  usd: number;
  unit: string;
  source: PriceSource;
}

/** The regions the table has columns for; a region is priced only when every meter has a value in it. */
export type Region = "us-east-1" | "us-east-2" | "eu-west-1" | "eu-west-2";

/** The name AWS's pricing data uses for each region (the key the entries sit under). */
export const LOCATIONS: Readonly<Record<Region, string>> = {
  "us-east-1": "US East (N. Virginia)",
  "us-east-2": "US East (Ohio)",
  "eu-west-1": "EU (Ireland)",
  "eu-west-2": "EU (London)",
};

/** A priced quantity: its unit and, per region, the price and where it was read. */
export interface Meter {
  unit: string;
  values: Partial<Record<Region, { usd: number; source: PriceSource }>>;
}

/** A meter whose regional values share one kind of source. */
const meter = (
  unit: string,
  source: (region: Region) => PriceSource,
  values: Partial<Record<Region, number>>,
): Meter => ({
  unit,
  values: Object.fromEntries(
    Object.entries(values).map(([region, usd]) => [region, { usd, source: source(region as Region) }]),
  ),
});

// iann0036/aws-price-watcher commits, several times a day, the JSON each AWS pricing page renders, one file per
// service; each file's manifest carries AWS's publication date.
const WATCHER = "github.com/iann0036/aws-price-watcher@d65c44f0cbfbfc8bf647809576a504ecf1587e8d";
const watcher =
  (file: string, published: string, page: string, global = false) =>
  (key: string) =>
  (region: Region): PriceSource => ({
    page,
    readFrom: `${WATCHER} ${file}: regions["${global ? "Any" : LOCATIONS[region]}"]["${key}"].price`,
    published,
  });

const elb = watcher("raw/elb.json", "2025-05-20", "https://aws.amazon.com/elasticloadbalancing/pricing/");
const vpc = watcher("raw/vpc.json", "2025-05-21", "https://aws.amazon.com/vpc/pricing/");
const privateLink = watcher("raw/vpc.json", "2025-05-21", "https://aws.amazon.com/privatelink/pricing/");
const cloudwatch = watcher("raw/cloudwatch.json", "2025-05-21", "https://aws.amazon.com/cloudwatch/pricing/");
const cloudwatchGlobal = watcher(
  "raw/cloudwatch.json",
  "2025-05-21",
  "https://aws.amazon.com/cloudwatch/pricing/",
  true,
);
const s3 = watcher("raw/s3.json", "2025-05-07", "https://aws.amazon.com/s3/pricing/");
const ecr = watcher("raw/ecr.json", "2025-03-14", "https://aws.amazon.com/ecr/pricing/");
const route53 = watcher("raw/route53.json", "2025-04-30", "https://aws.amazon.com/route53/pricing/", true);
const kms = watcher("raw/kms.json", "2025-03-11", "https://aws.amazon.com/kms/pricing/");
const sns = watcher("raw/sns.json", "2025-03-18", "https://aws.amazon.com/sns/pricing/");
const lambda = watcher("raw/lambda.json", "2025-04-17", "https://aws.amazon.com/lambda/pricing/");
const cloudMap = watcher("raw/cloudmap.json", "2025-03-13", "https://aws.amazon.com/cloud-map/pricing/");
const ssm = watcher(
  "raw/systemsmanager.json",
  "2025-04-30",
  "https://aws.amazon.com/systems-manager/pricing/",
);

// yeo/ec2.shop commits the JSON of the EC2 on-demand page (ec2-ondemand-without-sec-sel) per region, and the EBS
// page's.
const EC2_SHOP = "github.com/yeo/ec2.shop@74c9fd8ab5acfd9511cd6535f914d47071601ad2";
const ec2OnDemand =
  (instanceType: string) =>
  (region: Region): PriceSource => ({
    page: "https://aws.amazon.com/ec2/pricing/on-demand/",
    readFrom: `${EC2_SHOP} data/ec2/${region}-ondemand.json: the Linux entry whose "Instance Type" is ${instanceType}`,
    published: "2025-04-04",
  });
const ebs =
  (key: string) =>
  (region: Region): PriceSource => ({
    page: "https://aws.amazon.com/ebs/pricing/",
    readFrom: `${EC2_SHOP} data/ebs/ebs.json: regions["${LOCATIONS[region]}"]["${key}"].price`,
    published: "2024-07-18",
  });

// NAT gateways are priced on the EC2 page's data, which neither repository above keeps; these come from slices of
// the AWS Price List bulk offer file (AmazonEC2, product family "NAT Gateway").
const TOGEN = "github.com/mooncitizen/togen@36c1abbf17c7cd190fb02627aefb401567190523";
const natHours = (region: Region): PriceSource => ({
  page: "https://aws.amazon.com/vpc/pricing/",
  readFrom: `${TOGEN} internal/cost/prices/aws.json (AmazonEC2 offer 20260904231117): the "NAT Gateway" sku of ${region} whose usagetype ends NatGateway-Hours`,
  published: "2026-09-04",
});
const natBytes = (usd: number, readFrom: string, published: string) => ({
  usd,
  source: { page: "https://aws.amazon.com/vpc/pricing/", readFrom, published },
});

/** Every meter the estimators use, with its value in each region the sources cover. */
export const METERS = {
  // Compute and storage.
  ebsGp3GbMonth: meter("GB-month", ebs("Storage General Purpose gp3 GB Mo"), {
    "us-east-1": 0.08,
    "us-east-2": 0.08,
    "eu-west-1": 0.088,
    "eu-west-2": 0.0928,
  }),
  ebsGp2GbMonth: meter("GB-month", ebs("Storage General Purpose gp2 GB Mo"), {
    "us-east-1": 0.1,
    "us-east-2": 0.1,
    "eu-west-1": 0.11,
    "eu-west-2": 0.116,
  }),
  ebsGp3IopsMonth: meter("IOPS-month above 3,000", ebs("Provisioned EBS IOPS gp3 Volumes per IOPS Mo"), {
    "us-east-1": 0.005,
    "us-east-2": 0.005,
    "eu-west-1": 0.0055,
    "eu-west-2": 0.0058,
  }),
  ebsGp3ThroughputGibpsMonth: meter(
    "GiB/s-month above 125 MiB/s",
    ebs("Provisioned Throughput gp3 per GiBps mo"),
    { "us-east-1": 40.96, "us-east-2": 40.96, "eu-west-1": 45.056, "eu-west-2": 47.5136 },
  ),

  // Network.
  natGatewayHour: meter("NAT gateway-hour", natHours, {
    "us-east-1": 0.045,
    "us-east-2": 0.045,
    "eu-west-1": 0.048,
    "eu-west-2": 0.05,
  }),
  // Each region's data-processing price comes from a different slice of the offer file.
  natGatewayGb: {
    unit: "GB processed",
    values: {
      "us-east-1": natBytes(
        0.045,
        "AWS Price List AmazonEC2 offer 20260831181331 us-east-1, sku 59S5R83GFPUAGVR5 (usagetype NatGateway-Bytes), as quoted by two stored documents that cite the offer file",
        "2026-08-31",
      ),
      "us-east-2": natBytes(
        0.045,
        "the page's own worked example for US East (Ohio), transcribed verbatim at raw.githubusercontent.com/api-evangelist/amazon-vpc/refs/heads/main/plans/amazon-vpc-plans-pricing.yml (generated 2026-09-20)",
        "2026-09-20",
      ),
      "eu-west-1": natBytes(
        0.048,
        "AWS Price List AmazonEC2 offer 20260925174521 eu-west-1, usagetype EU-NatGateway-Bytes, from a stored extract of that file (the index did not name its repository)",
        "2026-09-25",
      ),
      "eu-west-2": natBytes(
        0.05,
        `${TOGEN} internal/cost/cmd/offer_test.go: slice of AmazonEC2 offer 20260904231117, sku ZECE57EY4F96YNAQ (EUW2-NatGateway-Bytes)`,
        "2026-09-04",
      ),
    },
  },
  publicIpv4Hour: meter(
    "public IPv4 address-hour",
    vpc("Hourly charge for In use Public IPv4 Addresses per Hrs"),
    {
      "us-east-1": 0.005,
      "us-east-2": 0.005,
      "eu-west-1": 0.005,
      "eu-west-2": 0.005,
    },
  ),
  interfaceEndpointHour: meter(
    "endpoint-hour per AZ",
    privateLink("Hourly charge for VPC Endpoints per Hrs"),
    {
      "us-east-1": 0.01,
      "us-east-2": 0.01,
      "eu-west-1": 0.011,
      "eu-west-2": 0.011,
    },
  ),
  interfaceEndpointGb: meter(
    "GB processed (first PB)",
    privateLink("Charge for per GB data processed by VPC Endpoints per GB from 0 to 1048576"),
    { "us-east-1": 0.01, "us-east-2": 0.01, "eu-west-1": 0.01, "eu-west-2": 0.01 },
  ),
  albHour: meter("load balancer-hour", elb("Application Load Balancer Hours"), {
    "us-east-1": 0.0225,
    "us-east-2": 0.0225,
    "eu-west-1": 0.0252,
    "eu-west-2": 0.02646,
  }),
  albLcuHour: meter("LCU-hour", elb("Application Load Balancer LCU Hours"), {
    "us-east-1": 0.008,
    "us-east-2": 0.008,
    "eu-west-1": 0.008,
    "eu-west-2": 0.0084,
  }),

  // Observability.
  logsIngestGb: meter("GB ingested", cloudwatch("Logs Collected Data Ingestion"), {
    "us-east-1": 0.5,
    "us-east-2": 0.5,
    "eu-west-1": 0.57,
    "eu-west-2": 0.5985,
  }),
  vendedLogsIngestGb: meter("GB ingested (vended logs, first 10 TB)", cloudwatch("Vended Logs First 10TB"), {
    "us-east-1": 0.5,
    "us-east-2": 0.5,
    "eu-west-1": 0.57,
    "eu-west-2": 0.5985,
  }),
  logsStorageGbMonth: meter("GB-month stored", cloudwatch("Stored Data"), {
    "us-east-1": 0.03,
    "us-east-2": 0.03,
    "eu-west-1": 0.03,
    "eu-west-2": 0.0315,
  }),
  metricMonth: meter("metric-month (first 10,000)", cloudwatch("Metric for the first 10000"), {
    "us-east-1": 0.3,
    "us-east-2": 0.3,
    "eu-west-1": 0.3,
    "eu-west-2": 0.3,
  }),
  alarmMetricMonth: meter("alarm metric-month (standard resolution)", cloudwatch("Alarm Standard"), {
    "us-east-1": 0.1,
    "us-east-2": 0.1,
    "eu-west-1": 0.1,
    "eu-west-2": 0.1,
  }),
  alarmHighResolutionMetricMonth: meter(
    "alarm metric-month (high resolution)",
    cloudwatch("Alarm High Resolution"),
    { "us-east-1": 0.3, "us-east-2": 0.3, "eu-west-1": 0.3, "eu-west-2": 0.3 },
  ),
  dashboardMonth: meter("dashboard-month", cloudwatchGlobal("Dashboard Basic Dashboard"), {
    "us-east-1": 3,
    "us-east-2": 3,
    "eu-west-1": 3,
    "eu-west-2": 3,
  }),

  // Storage and the rest.
  s3StandardGbMonth: meter(
    "GB-month (S3 Standard, first 50 TB)",
    s3("Standard Storage First 50 TB per GB Mo"),
    {
      "us-east-1": 0.023,
      "us-east-2": 0.023,
      "eu-west-1": 0.023,
      "eu-west-2": 0.024,
    },
  ),
  s3GetRequest: meter("GET request", s3("GET and all other requests per Requests"), {
    "us-east-1": 0.0000004,
    "us-east-2": 0.0000004,
    "eu-west-1": 0.0000004,
    "eu-west-2": 0.00000042,
  }),
  s3PutRequest: meter("PUT request", s3("PUT COPY/POST or LIST requests per Requests"), {
    "us-east-1": 0.000005,
    "us-east-2": 0.000005,
    "eu-west-1": 0.000005,
    "eu-west-2": 0.0000053,
  }),
  ecrGbMonth: meter("GB-month", ecr("EC2 Container Registry"), {
    "us-east-1": 0.1,
    "us-east-2": 0.1,
    "eu-west-1": 0.1,
    "eu-west-2": 0.1,
  }),
  hostedZoneMonth: meter("hosted zone-month (first 25)", route53("DNS Zone first 25"), {
    "us-east-1": 0.5,
    "us-east-2": 0.5,
    "eu-west-1": 0.5,
    "eu-west-2": 0.5,
  }),
  kmsKeyMonth: meter("customer managed key-month", kms("Encryption Key"), {
    "us-east-1": 1,
    "us-east-2": 1,
    "eu-west-1": 1,
    "eu-west-2": 1,
  }),
  snsEmailNotification: meter("e-mail notification", sns("SNS Email and Email JSON Notifications"), {
    "us-east-1": 0.00002,
    "us-east-2": 0.00002,
    "eu-west-1": 0.00002,
    "eu-west-2": 0.00002,
  }),
  lambdaRequest: meter("request", lambda("Lambda Requests"), {
    "us-east-1": 0.0000002,
    "us-east-2": 0.0000002,
    "eu-west-1": 0.0000002,
    "eu-west-2": 0.0000002,
  }),
  lambdaGbSecondX86: meter("GB-second (x86_64, first tier)", lambda("Lambda Duration"), {
    "us-east-1": 0.0000166667,
    "us-east-2": 0.0000166667,
    "eu-west-1": 0.0000166667,
    "eu-west-2": 0.0000166667,
  }),
  lambdaGbSecondArm: meter("GB-second (arm64, first tier)", lambda("Lambda Duration-ARM"), {
    "us-east-1": 0.0000133334,
    "us-east-2": 0.0000133334,
    "eu-west-1": 0.0000133334,
    "eu-west-2": 0.0000133334,
  }),
  cloudMapInstanceMonth: meter("registered instance-month", cloudMap("Resource"), {
    "us-east-1": 0.1,
    "us-east-2": 0.1,
    "eu-west-1": 0.1,
    "eu-west-2": 0.1,
  }),
  ssmAdvancedParameterHour: meter("advanced parameter-hour", ssm("Advanced Parameter"), {
    "us-east-1": 0.00007,
    "us-east-2": 0.00007,
    "eu-west-1": 0.00007,
    "eu-west-2": 0.00007,
  }),
} satisfies Record<string, Meter>;

export type MeterName = keyof typeof METERS;

const transfer =
  (tier: string, range: string) =>
  (region: Region): PriceSource => ({
    page: "https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer",
    readFrom: `${WATCHER} processed/datatransfer.json: ["${tier}"]["${LOCATIONS[region]} (StartingRange: ${range})"]`,
    published: "2025-05-24",
  });

/** Data transfer out to the internet, by monthly volume tier (GB, upper bound of the tier). */
export const DATA_TRANSFER_OUT_TIERS: readonly { upToGb: number; meter: Meter }[] = [
  {
    upToGb: 10_240,
    meter: meter(
      "GB out to the internet (first 10 TB)",
      transfer("DataTransfer External Outbound Next 10 TB", "0, EndingRange: 10240"),
      {
        "us-east-1": 0.09,
        "us-east-2": 0.09,
        "eu-west-1": 0.09,
        "eu-west-2": 0.09,
      },
    ),
  },
  {
    upToGb: 51_200,
    meter: meter(
      "GB out to the internet (next 40 TB)",
      transfer("DataTransfer External Outbound Next 40 TB", "10240, EndingRange: 51200"),
      {
        "us-east-1": 0.085,
        "us-east-2": 0.085,
        "eu-west-1": 0.085,
        "eu-west-2": 0.085,
      },
    ),
  },
  {
    upToGb: 153_600,
    meter: meter(
      "GB out to the internet (next 100 TB)",
      transfer("DataTransfer External Outbound Next 100 TB", "51200, EndingRange: 153600"),
      {
        "us-east-1": 0.07,
        "us-east-2": 0.07,
        "eu-west-1": 0.07,
        "eu-west-2": 0.07,
      },
    ),
  },
  {
    upToGb: Number.POSITIVE_INFINITY,
    meter: meter(
      "GB out to the internet (over 150 TB)",
      transfer("DataTransfer External Outbound Greater than 150 TB", "153600, EndingRange: Inf"),
      {
        "us-east-1": 0.05,
        "us-east-2": 0.05,
        "eu-west-1": 0.05,
        "eu-west-2": 0.05,
      },
    ),
  },
];

/** On-demand Linux price per instance-hour, for every type components/instanceTypes.ts knows. */
export const INSTANCE_HOUR: Readonly<Record<string, Meter>> = Object.fromEntries(
  (
    [
      ["t3.small", 0.0208, 0.0208, 0.0228, 0.0236],
      ["t3.medium", 0.0416, 0.0416, 0.0456, 0.0472],
      ["t3.large", 0.0832, 0.0832, 0.0912, 0.0944],
      ["m6i.large", 0.096, 0.096, 0.107, 0.111],
      ["m6i.xlarge", 0.192, 0.192, 0.214, 0.222],
      ["m7i.large", 0.1008, 0.1008, 0.11235, 0.11655],
      ["c6i.large", 0.085, 0.085, 0.0912, 0.101],
      ["t4g.small", 0.0168, 0.0168, 0.0184, 0.0188],
      ["t4g.medium", 0.0336, 0.0336, 0.0368, 0.0376],
      ["t4g.large", 0.0672, 0.0672, 0.0736, 0.0752],
      ["m6g.large", 0.077, 0.077, 0.086, 0.0888],
      ["m7g.large", 0.0816, 0.0816, 0.091, 0.0944],
      ["m7g.xlarge", 0.1632, 0.1632, 0.1819, 0.1887],
      ["c7g.large", 0.0725, 0.0723, 0.0775, 0.0859],
    ] as const
  ).map(([type, use1, use2, euw1, euw2]) => [
    type,
    meter("instance-hour (Linux, on-demand)", ec2OnDemand(type), {
      "us-east-1": use1,
      "us-east-2": use2,
      "eu-west-1": euw1,
      "eu-west-2": euw2,
    }),
  ]),
);

function read(m: Meter, region: string): Price | undefined {
  const value = Object.hasOwn(m.values, region) ? m.values[region as Region] : undefined;
  return value === undefined ? undefined : { usd: value.usd, unit: m.unit, source: value.source };
}

/** A meter's price in a region, or undefined when the table has no value for it there. */
export function priceOf(name: MeterName, region: string): Price | undefined {
  return read(METERS[name], region);
}

/** An instance type's on-demand hourly price in a region, or undefined when the table does not have it. */
export function instancePrice(instanceType: string, region: string): Price | undefined {
  const m = Object.hasOwn(INSTANCE_HOUR, instanceType) ? INSTANCE_HOUR[instanceType] : undefined;
  return m ? read(m, region) : undefined;
}

/** Data transfer out tiers in a region, or undefined when any tier has no value there. */
export function transferOutTiers(region: string): { upToGb: number; price: Price }[] | undefined {
  const tiers = DATA_TRANSFER_OUT_TIERS.map((t) => ({ upToGb: t.upToGb, price: read(t.meter, region) }));
  return tiers.every((t) => t.price !== undefined)
    ? (tiers as { upToGb: number; price: Price }[])
    : undefined;
}

/** Every meter of the table (named meters, instance types, transfer tiers), for completeness checks. */
export function allMeters(): { name: string; meter: Meter }[] {
  return [
    ...Object.entries(METERS).map(([name, m]) => ({ name, meter: m as Meter })),
    ...Object.entries(INSTANCE_HOUR).map(([type, m]) => ({ name: `instance ${type}`, meter: m })),
    ...DATA_TRANSFER_OUT_TIERS.map((t) => ({ name: `transfer out up to ${t.upToGb} GB`, meter: t.meter })),
  ];
}

/**
 * The regions every meter has a price in, sorted. The config schema accepts exactly these regions: a stack in
 * any other region would get an estimate with holes.
 */
export const PRICED_REGIONS: readonly string[] = pricedRegions(allMeters().map((m) => m.meter));

/** The regions in which every one of `meters` has a value, sorted. */
export function pricedRegions(meters: Meter[]): string[] {
  return (Object.keys(LOCATIONS) as Region[])
    .filter((region) => meters.every((m) => m.values[region] !== undefined))
    .sort();
}
