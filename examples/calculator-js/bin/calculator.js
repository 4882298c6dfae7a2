#!/usr/bin/env node
import fs from "node:fs";
import path from "node:path";
import { defineService, grpcInvalidArgumentError, runServiceMain } from "@chaitin-ai/octobus-sdk";

// Test aid: the metadata the last call received, as {"key": ["value", …]},
// in the current directory (the instance workdir under the daemon). Rewriting
// identical content is skipped: under load the file write would otherwise
// cost more than the whole gRPC call.
let lastRecorded;

function recordMetadata(ctx) {
  const received = {};
  for (const [key, values] of Object.entries(ctx.metadata.toJSON())) {
    received[key] = values.map((v) => (Buffer.isBuffer(v) ? v.toString("base64") : v));
  }
  const text = `${JSON.stringify(received, null, 2)}\n`;
  const file = path.join(process.cwd(), "metadata.json");
  if (text === lastRecorded && fs.existsSync(file)) return;
  fs.writeFileSync(file, text);
  lastRecorded = text;
}

function operands(ctx) {
  const { left, right } = ctx.request;
  if (!Number.isFinite(left) || !Number.isFinite(right)) {
    throw grpcInvalidArgumentError("left and right must be finite numbers");
  }
  return { left, right };
}

function respond(ctx, result) {
  recordMetadata(ctx);
  return {
    result,
    serviceId: ctx.serviceId,
    instanceId: ctx.instanceId,
    label: ctx.config?.label ?? "",
    businessRequestId:
      ctx.getMetadata("x-octobus-ext-business-request-id") ?? ctx.getMetadata("x-business-request-id") ?? "",
    secretToken: ctx.secret?.apiToken ?? "",
  };
}

const service = defineService({
  handlers: {
    "calculator.v1.CalculatorService/Add": (ctx) => {
      const { left, right } = operands(ctx);
      return respond(ctx, left + right);
    },
    "calculator.v1.CalculatorService/Subtract": (ctx) => {
      const { left, right } = operands(ctx);
      return respond(ctx, left - right);
    },
  },
});

runServiceMain(service);
