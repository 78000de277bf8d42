import assert from "node:assert/strict";
import { DocumentError } from "../src/errors";
import { TEXT_BODY_MAX_BYTES, toDocument } from "../src/store";

describe("toDocument", () => {
  it("keeps a small document as text, byte for byte, with its size", () => {
    const bytes = Buffer.from('{ "greeting": "Grüß Gott" }');
    const doc = toDocument(bytes, '"e"', "Sun, 22 Nov 2026 02:42:26 GMT");
    assert.equal(doc.body, '{ "greeting": "Grüß Gott" }');
    assert.equal(doc.size, bytes.length);
    assert.ok(Buffer.from(doc.body as string).equals(bytes));
    assert.equal(doc.lastModified, "Sun, 22 Nov 2026 02:42:26 GMT");
  });

  it("keeps a document over TEXT_BODY_MAX_BYTES as the bytes themselves", () => {
    const bytes = Buffer.from(JSON.stringify({ pad: "x".repeat(TEXT_BODY_MAX_BYTES) }));
    const doc = toDocument(bytes, '"e"');
    assert.ok(Buffer.isBuffer(doc.body));
    assert.equal(doc.body, bytes);
  });

  const refused: [what: string, bytes: Buffer, message: string][] = [
    ["not JSON", Buffer.from("{ nope"), /^the object is not valid JSON: /.source],
    ["JSON with a byte-order mark", Buffer.from("\ufeff{}"), /^the object is not valid JSON: /.source],
    // A truncated 4-byte sequence decodes to one U+FFFD of the same length: only a real UTF-8 check catches it.
    ["not UTF-8", Buffer.from([0x22, 0xf0, 0x9f, 0x98, 0x22]), /^the object is not UTF-8 text$/.source],
    ["Latin-1 text", Buffer.from('"caf\xe9"', "latin1"), /^the object is not UTF-8 text$/.source],
  ];
  for (const [what, bytes, message] of refused) {
    it(`refuses ${what} as invalid-json`, () => {
      assert.throws(
        () => toDocument(bytes, '"e"'),
        (error: unknown) =>
          error instanceof DocumentError &&
          error.kind === "invalid-json" &&
          new RegExp(message).test(error.message),
      );
    });
  }
});
