/** createListeners under mocks: the ALB's listeners, its TLS certificate and its DNS alias. */
import * as assert from "node:assert/strict";
import { STATUS_CODES } from "node:http";
import * as aws from "@pulumi/aws";
import { createListeners, type ListenersArgs, TLS_POLICY } from "../../components/listeners";
import { ACCOUNT_ID, type Evaluation, runUnderMocks } from "../../lib/harness";
import { RECOMMENDED_TLS_POLICIES } from "../../policy/loadBalancing";

const LISTENER = "aws:lb/listener:Listener";
const RECORD = "aws:route53/record:Record";
const CERTIFICATE = "aws:acm/certificate:Certificate";
const CERT_ARN = `arn:aws:acm:eu-west-1:${ACCOUNT_ID}:certificate/0a1b2c3d-1111-2222-3333-444455556666`;
const DOMAIN = { domainName: "api.example.com", hostedZoneId: "Z0123456789ABC" };

/** Evaluates the listeners of one ALB; outputs what the function returned, as names. */
function evaluate(args: Omit<ListenersArgs, "alb">): Promise<Evaluation> {
  return runUnderMocks(() => {
    const alb = new aws.lb.LoadBalancer("web-alb", { loadBalancerType: "application", subnets: ["a", "b"] });
    const listeners = createListeners("web", { alb, ...args }, {});
    const name = (l: aws.lb.Listener) => (l as unknown as { __name: string }).__name;
    return { production: name(listeners.production), all: listeners.all.map(name), https: listeners.https };
  });
}

const byPort = (e: Evaluation, port: number) => {
  const found = e.resourcesOfType(LISTENER).filter((l) => l.inputs.port === port);
  assert.equal(found.length, 1, `listeners on ${port}`);
  return found[0];
};

describe("createListeners", () => {
  const e: Record<"http" | "certificate" | "acm" | "certificateAndZone" | "certificateNoZone", Evaluation> =
    {} as never;
  before(async () => {
    e.http = await evaluate({});
    e.certificate = await evaluate({ certificateArn: CERT_ARN });
    e.acm = await evaluate(DOMAIN);
    e.certificateAndZone = await evaluate({ ...DOMAIN, certificateArn: CERT_ARN });
    e.certificateNoZone = await evaluate({ domainName: DOMAIN.domainName, certificateArn: CERT_ARN });
  });

  describe("without a certificate", () => {
    it("makes HTTP on 80 the production listener, and the only one", () => {
      const [http] = e.http.resourcesOfType(LISTENER);
      assert.equal(e.http.resourcesOfType(LISTENER).length, 1);
      assert.deepEqual([http.inputs.port, http.inputs.protocol], [80, "HTTP"]);
      assert.equal(http.inputs.loadBalancerArn, e.http.one("aws:lb/loadBalancer:LoadBalancer").state.arn);
      assert.deepEqual(e.http.outputs, { production: http.name, all: [http.name], https: false });
    });

    it("creates no certificate and no DNS records", () => {
      assert.equal(e.http.resourcesOfType(CERTIFICATE).length, 0);
      assert.equal(e.http.resourcesOfType(RECORD).length, 0);
    });
  });

  describe("with TLS", () => {
    it("makes HTTPS on 443 the production listener, with the given certificate", () => {
      const https = byPort(e.certificate, 443);
      assert.equal(https.inputs.protocol, "HTTPS");
      assert.equal(https.inputs.certificateArn, CERT_ARN);
      assert.deepEqual(e.certificate.outputs.production, https.name);
      assert.equal(e.certificate.outputs.https, true);
    });

    it("negotiates with a TLS policy on Security Hub ELB.17's list of strong policies", () => {
      for (const evaluation of [e.certificate, e.acm]) {
        assert.equal(byPort(evaluation, 443).inputs.sslPolicy, TLS_POLICY);
      }
      assert.ok(RECOMMENDED_TLS_POLICIES.includes(TLS_POLICY), TLS_POLICY);
    });

    it("answers every plain HTTP request with a permanent redirect to the same URL over HTTPS", () => {
      const http = byPort(e.certificate, 80);
      assert.equal(http.inputs.protocol, "HTTP");
      const [action, ...others] = http.inputs.defaultActions;
      assert.deepEqual(others, []);
      assert.equal(action.type, "redirect");
      assert.deepEqual(
        [action.redirect.protocol, action.redirect.port, action.redirect.statusCode],
        ["HTTPS", "443", "HTTP_301"],
      );
      // No host, path or query override: the ALB keeps the request's own (#{host}, /#{path}, #{query}).
      for (const kept of ["host", "path", "query"]) assert.equal(action.redirect[kept], undefined, kept);
    });

    it("returns both listeners, so a service waits for the redirect too", () => {
      const names = e.certificate.resourcesOfType(LISTENER).map((l) => l.name);
      assert.deepEqual([...e.certificate.outputs.all].sort(), [...names].sort());
    });
  });

  describe("a request no service's rule matches", () => {
    it("gets a JSON 404 from the listener itself, with or without TLS", () => {
      for (const [evaluation, port] of [
        [e.http, 80],
        [e.certificate, 443],
      ] as const) {
        const [action] = byPort(evaluation, port).inputs.defaultActions;
        assert.equal(action.type, "fixed-response");
        assert.equal(action.fixedResponse.statusCode, "404");
        assert.equal(action.fixedResponse.contentType, "application/json");
      }
    });

    it("reads as the services' own error body: valid JSON with the status, its reason phrase and a message", () => {
      const { fixedResponse } = byPort(e.http, 80).inputs.defaultActions[0];
      const body = JSON.parse(fixedResponse.messageBody);
      assert.equal(body.statusCode, Number(fixedResponse.statusCode));
      assert.equal(body.error, STATUS_CODES[body.statusCode]);
      assert.equal(typeof body.message, "string");
      // The services' Problem body (service/src/app.ts) holds these four fields; a fixed response has no request id.
      for (const key of Object.keys(body))
        assert.ok(["statusCode", "error", "message", "requestId"].includes(key), key);
    });

    it("fits the ALB's 1024-character limit on a fixed response body", () => {
      assert.ok(byPort(e.http, 80).inputs.defaultActions[0].fixedResponse.messageBody.length <= 1024);
    });
  });

  describe("a domain with a hosted zone and no certificate", () => {
    it("gets an ACM certificate validated through DNS", () => {
      const cert = e.acm.one(CERTIFICATE);
      assert.equal(cert.inputs.domainName, DOMAIN.domainName);
      assert.equal(cert.inputs.validationMethod, "DNS");
      assert.equal(cert.inputs.subjectAlternativeNames, undefined);
    });

    it("writes the record ACM asks for into the zone, overwriting the one an earlier certificate left", () => {
      const [option] = e.acm.one(CERTIFICATE).state.domainValidationOptions;
      const record = e.acm.named("web-certificate-validation-record");
      assert.equal(record.inputs.zoneId, DOMAIN.hostedZoneId);
      assert.deepEqual(
        [record.inputs.name, record.inputs.type, record.inputs.records],
        [option.resourceRecordName, option.resourceRecordType, [option.resourceRecordValue]],
      );
      assert.equal(record.inputs.allowOverwrite, true);
    });

    it("serves HTTPS with the certificate once ACM has validated it through that record", () => {
      const cert = e.acm.one(CERTIFICATE);
      const validation = e.acm.one("aws:acm/certificateValidation:CertificateValidation");
      assert.equal(validation.inputs.certificateArn, cert.state.arn);
      assert.deepEqual(validation.inputs.validationRecordFqdns, [
        e.acm.named("web-certificate-validation-record").state.fqdn,
      ]);
      assert.equal(byPort(e.acm, 443).inputs.certificateArn, validation.state.certificateArn);
    });

    it("points an alias A record for the domain at the ALB", () => {
      const alb = e.acm.one("aws:lb/loadBalancer:LoadBalancer").state;
      const alias = e.acm.named("web-alias-a");
      assert.deepEqual(
        [alias.inputs.zoneId, alias.inputs.name, alias.inputs.type],
        [DOMAIN.hostedZoneId, DOMAIN.domainName, "A"],
      );
      assert.deepEqual(alias.inputs.aliases, [
        { name: alb.dnsName, zoneId: alb.zoneId, evaluateTargetHealth: true },
      ]);
    });
  });

  it("prefers a given certificate to issuing one, and still aliases a domain with a zone", () => {
    const evaluation = e.certificateAndZone;
    assert.equal(evaluation.resourcesOfType(CERTIFICATE).length, 0);
    assert.equal(byPort(evaluation, 443).inputs.certificateArn, CERT_ARN);
    assert.deepEqual(
      evaluation.resourcesOfType(RECORD).map((r) => r.name),
      ["web-alias-a"],
    );
  });

  it("writes no DNS record for a domain without a zone (its owner points it at the ALB)", () => {
    assert.equal(e.certificateNoZone.resourcesOfType(RECORD).length, 0);
    assert.equal(byPort(e.certificateNoZone, 443).inputs.certificateArn, CERT_ARN);
  });
});
