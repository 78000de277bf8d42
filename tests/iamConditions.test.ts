/**
 * lib/iam/conditions.ts: each condition operator against AWS's documented semantics, above all for a key the
 * request does not carry, which is where Deny statements go wrong.
 */
import * as assert from "node:assert/strict";
import { conditionHolds, keyHolds } from "../lib/iam/conditions";

const SSE = "s3:x-amz-server-side-encryption";

describe("IAM condition operators", () => {
  describe("a key the request does not carry", () => {
    // "If the key that you specify in a policy condition is not present in the request context, the values do
    // not match and the condition is false. If the policy condition requires that the key is not matched, such
    // as StringNotLike or ArnNotLike, and the right key is not present, the condition is true."
    const cases: [string, boolean][] = [
      ["StringEquals", false],
      ["StringLike", false],
      ["ArnLike", false],
      ["Bool", false],
      ["StringNotEquals", true],
      ["StringNotLike", true],
      ["ArnNotLike", true],
      // "...IfExists: if the key is not present, evaluate the condition element as true."
      ["StringEqualsIfExists", true],
      ["StringNotEqualsIfExists", true],
      ["ForAnyValue:StringEquals", false],
      ["ForAllValues:StringEquals", true],
    ];
    for (const [operator, holds] of cases) {
      it(`${operator} is ${holds}`, () => {
        assert.equal(keyHolds(operator, SSE, ["aws:kms"], {}), holds);
      });
    }

    it("Null true holds when the key is absent and Null false when it is present", () => {
      assert.equal(keyHolds("Null", SSE, ["true"], {}), true);
      assert.equal(keyHolds("Null", SSE, ["false"], {}), false);
      assert.equal(keyHolds("Null", SSE, ["false"], { [SSE]: "AES256" }), true);
      assert.equal(keyHolds("Null", SSE, ["true"], { [SSE]: "AES256" }), false);
    });
  });

  describe("a key the request carries", () => {
    const cases: [string, string[], string, boolean][] = [
      ["StringEquals", ["aws:kms"], "aws:kms", true],
      ["StringEquals", ["aws:kms"], "AWS:KMS", false],
      ["StringEqualsIgnoreCase", ["aws:kms"], "AWS:KMS", true],
      ["StringNotEquals", ["aws:kms"], "AES256", true],
      ["StringNotEquals", ["aws:kms"], "aws:kms", false],
      // Several values for one key: OR; a negated operator must match none of them.
      ["StringEquals", ["AES256", "aws:kms"], "aws:kms", true],
      ["StringNotEquals", ["AES256", "aws:kms"], "aws:kms", false],
      ["StringNotEqualsIfExists", ["aws:kms"], "AES256", true],
      ["StringLike", ["repo:org/app:*"], "repo:org/app:pull_request", true],
      ["StringLike", ["repo:org/app:?"], "repo:org/app:ab", false],
      ["StringNotLike", ["s3.*.amazonaws.com"], "s3.eu-west-1.amazonaws.com", false],
    ];
    for (const [operator, values, value, holds] of cases) {
      it(`${operator} ${JSON.stringify(values)} on "${value}" is ${holds}`, () => {
        assert.equal(keyHolds(operator, "k", values, { k: value }), holds);
      });
    }

    it("Bool compares true and false regardless of case, and of a boolean or a string in the request", () => {
      assert.equal(
        keyHolds("Bool", "aws:SecureTransport", ["false"], { "aws:SecureTransport": false }),
        true,
      );
      assert.equal(
        keyHolds("Bool", "aws:SecureTransport", ["false"], { "aws:SecureTransport": "TRUE" }),
        false,
      );
    });

    it("ArnLike matches component by component, a trailing * taking the rest of the resource", () => {
      const principal = "arn:aws:iam::111122223333:role/ci/ci-deploy-prod-1a2b3c";
      assert.equal(
        keyHolds("ArnLike", "aws:PrincipalArn", ["arn:aws:iam::111122223333:role/ci/*"], {
          "aws:PrincipalArn": principal,
        }),
        true,
      );
      assert.equal(
        keyHolds("ArnLike", "aws:PrincipalArn", ["arn:aws:iam::111122223333:role/ci/*"], {
          "aws:PrincipalArn": "arn:aws:iam::111122223333:role/other/x",
        }),
        false,
      );
      assert.equal(
        keyHolds("ArnLike", "aws:PrincipalArn", ["arn:aws:iam::*:role/ci/*"], {
          "aws:PrincipalArn": principal,
        }),
        true,
      );
      assert.equal(keyHolds("ArnEquals", "k", ["arn:aws:s3:::b"], { k: "not-an-arn" }), false);
    });

    it("finds condition keys regardless of their case", () => {
      assert.equal(keyHolds("StringEquals", "AWS:SourceAccount", ["1"], { "aws:sourceaccount": "1" }), true);
    });
  });

  describe("multivalued keys", () => {
    it("ForAnyValue needs one request value to match; ForAllValues needs every one", () => {
      const tags = { "aws:TagKeys": ["project", "stack"] };
      assert.equal(keyHolds("ForAnyValue:StringEquals", "aws:TagKeys", ["stack"], tags), true);
      assert.equal(keyHolds("ForAllValues:StringEquals", "aws:TagKeys", ["stack"], tags), false);
      assert.equal(keyHolds("ForAllValues:StringEquals", "aws:TagKeys", ["stack", "project"], tags), true);
      assert.equal(keyHolds("ForAnyValue:StringEquals", "aws:TagKeys", ["x"], { "aws:TagKeys": [] }), false);
      assert.equal(keyHolds("ForAllValues:StringEquals", "aws:TagKeys", ["x"], { "aws:TagKeys": [] }), true);
    });

    it("refuses a plain operator on a multivalued key rather than guess", () => {
      assert.throws(
        () => keyHolds("StringEquals", "aws:TagKeys", ["x"], { "aws:TagKeys": ["x"] }),
        /several values/,
      );
    });
  });

  it("needs every operator and every key of a block to hold", () => {
    const block = {
      StringNotEquals: { [SSE]: ["aws:kms"] },
      Null: { [SSE]: ["false"] },
    };
    assert.equal(conditionHolds(block, { [SSE]: "AES256" }), true);
    assert.equal(conditionHolds(block, { [SSE]: "aws:kms" }), false);
    assert.equal(conditionHolds(block, {}), false);
  });

  it("refuses operators it does not model", () => {
    assert.throws(() => keyHolds("NumericLessThan", "k", ["1"], { k: "0" }), /not modelled/);
    assert.throws(
      () => keyHolds("ForSomeValues:StringEquals", "k", ["1"], { k: "1" }),
      /unknown set operator/,
    );
    assert.throws(() => keyHolds("NullIfExists", "k", ["true"], {}), /not a valid operator/);
  });
});
