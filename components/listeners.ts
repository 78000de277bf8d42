/**
 * The ALB's listeners, its TLS certificate and its DNS alias.
 *
 * - No certificate: HTTP on 80 is the production listener.
 * - A certificate ARN, or a domain with a public hosted zone (then an ACM certificate validated through DNS
 *   records in that zone): HTTPS on 443 is the production listener, with a policy offering TLS 1.3 and 1.2
 *   only, and HTTP on 80 answers every request with a permanent redirect to HTTPS, so plain HTTP never reaches
 *   a service.
 * - A domain with a hosted zone also gets an alias record (A) to the ALB.
 *
 * The production listener routes nothing by itself: each service adds a listener rule for its paths and hosts,
 * and a request no rule matches gets a JSON 404 from the ALB, in the services' error format.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/**
 * TLS 1.3, and TLS 1.2 restricted to forward-secret AEAD (GCM) ciphers. Not the console's default
 * (ELBSecurityPolicy-TLS13-1-2-2021-06), which still offers CBC ciphers on TLS 1.2 and is missing from Security
 * Hub ELB.17's list of strong policies; this one is on it, so the pack's `alb-listener-tls-policy` passes.
 */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06";

/** The answer to a request no service's rule matches: the services' JSON error shape, from the ALB itself. */
export const NO_ROUTE_RESPONSE = {
  contentType: "application/json",
  messageBody: JSON.stringify({
    statusCode: 404,
    error: "Not Found",
    message: "No service serves this path",
  }),
  statusCode: "404",
} as const;

/** What the listeners are built from. */
export interface ListenersArgs {
  /** The load balancer. */
  alb: aws.lb.LoadBalancer;
  /** A certificate to serve HTTPS with. */
  certificateArn?: string;
  /** The public DNS name of the API. */
  domainName?: string;
  /** The public hosted zone holding `domainName`. */
  hostedZoneId?: string;
}

/** The listeners: the production one (services add their rules to it) and all of them (to wait for). */
export interface Listeners {
  /** Where services add their rules: HTTPS on 443 with TLS, else HTTP on 80. */
  production: aws.lb.Listener;
  /** Every listener, the redirect included. */
  all: aws.lb.Listener[];
  /** Whether traffic is served over HTTPS. */
  https: boolean;
  /** The certificate HTTPS is served with; undefined without TLS. */
  certificateArn?: pulumi.Input<string>;
}

/**
 * Creates the listeners (and, for a domain with a zone and no certificate ARN, the ACM certificate and its
 * validation, and the alias record).
 */
export function createListeners(
  name: string,
  args: ListenersArgs,
  opts: pulumi.CustomResourceOptions,
): Listeners {
  const noRoute = [{ type: "fixed-response", fixedResponse: { ...NO_ROUTE_RESPONSE } }];
  let certificateArn: pulumi.Input<string> | undefined = args.certificateArn;
  if (!certificateArn && args.domainName && args.hostedZoneId) {
    certificateArn = issueCertificate(name, args.domainName, args.hostedZoneId, opts);
  }
  if (args.domainName && args.hostedZoneId) {
    new aws.route53.Record(
      `${name}-alias-a`,
      {
        zoneId: args.hostedZoneId,
        name: args.domainName,
        type: "A",
        aliases: [{ name: args.alb.dnsName, zoneId: args.alb.zoneId, evaluateTargetHealth: true }],
      },
      opts,
    );
  }

  if (!certificateArn) {
    const http = new aws.lb.Listener(
      `${name}-http`,
      { loadBalancerArn: args.alb.arn, port: 80, protocol: "HTTP", defaultActions: noRoute },
      opts,
    );
    return { production: http, all: [http], https: false };
  }
  const https = new aws.lb.Listener(
    `${name}-https`,
    {
      loadBalancerArn: args.alb.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: TLS_POLICY,
      certificateArn,
      defaultActions: noRoute,
    },
    opts,
  );
  const redirect = new aws.lb.Listener(
    `${name}-http-redirect`,
    {
      loadBalancerArn: args.alb.arn,
      port: 80,
      protocol: "HTTP",
      defaultActions: [
        {
          type: "redirect",
          redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" },
        },
      ],
    },
    opts,
  );
  return { production: https, all: [https, redirect], https: true, certificateArn };
}

/**
 * Issues an ACM certificate for the domain, validated by the CNAME record ACM asks for in the zone; returns the
 * ARN once ACM reports it issued, so the HTTPS listener never gets a pending certificate.
 */
function issueCertificate(
  name: string,
  domainName: string,
  hostedZoneId: string,
  opts: pulumi.CustomResourceOptions,
): pulumi.Output<string> {
  const certificate = new aws.acm.Certificate(
    `${name}-certificate`,
    { domainName, validationMethod: "DNS" },
    opts,
  );
  // One domain, no alternative names: exactly one validation record, known without waiting for outputs.
  const option = certificate.domainValidationOptions[0];
  const record = new aws.route53.Record(
    `${name}-certificate-validation-record`,
    {
      zoneId: hostedZoneId,
      name: option.resourceRecordName,
      type: option.resourceRecordType,
      records: [option.resourceRecordValue],
      ttl: 300,
      // ACM reuses the same record for every certificate of a name; a replaced certificate must not collide.
      allowOverwrite: true,
    },
    opts,
  );
  const validation = new aws.acm.CertificateValidation(
    `${name}-certificate-validation`,
    { certificateArn: certificate.arn, validationRecordFqdns: [record.fqdn] },
    opts,
  );
  return validation.certificateArn;
}
