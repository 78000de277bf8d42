import assert from "node:assert/strict";
import type { FastifyInstance } from "fastify";
import { appOn } from "./helpers/app";
import { FakeStore } from "./helpers/fakeStore";

describe("the app (app.ts)", () => {
  let store: FakeStore;
  let app: FastifyInstance;

  beforeEach(() => {
    store = new FakeStore();
    app = appOn(store);
  });
  afterEach(() => app.close());

  describe("paths the router refuses", () => {
    it("answers 400 for a path that is not valid percent-encoding", async () => {
      const res = await app.inject({ url: "/api/%E0%A4%A" });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().message, "The path is not valid.");
    });

    it("answers 414 for a path segment too long to route", async () => {
      const res = await app.inject({ url: `/api/${"k".repeat(2000)}` });
      assert.equal(res.statusCode, 414);
      assert.equal(res.json().message, "The path is too long.");
    });
  });

  describe("behind the ALB", () => {
    it("takes the client address from the ALB's X-Forwarded-For entry only", async () => {
      let ip: string | undefined;
      app.get("/ip", async (request) => {
        ip = request.ip;
        return {};
      });
      await app.inject({
        url: "/ip",
        remoteAddress: "10.0.1.5",
        headers: { "x-forwarded-for": "6.6.6.6, 203.0.113.7" },
      });
      assert.equal(ip, "203.0.113.7");
    });
  });
});
