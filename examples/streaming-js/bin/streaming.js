#!/usr/bin/env node
import { defineService, runServiceMain } from "@chaitin-ai/octobus-sdk";

// Fields 3–7 of every response: what the handler saw of its runtime.
function runtimeFields(ctx) {
  return {
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
    "streaming.v1.StreamingService/Echo": (ctx) => ({
      text: ctx.request.text,
      index: ctx.request.count,
      ...runtimeFields(ctx),
    }),

    // A generator: each yield waits for the client to have room (HTTP/2 flow
    // control), and stops early when the client cancels.
    "streaming.v1.StreamingService/Expand": async function* (ctx) {
      const fields = runtimeFields(ctx);
      for (let index = 1; index <= ctx.request.count; index++) {
        yield { text: ctx.request.text, index, ...fields };
      }
    },

    "streaming.v1.StreamingService/Collect": async (ctx) => {
      const texts = [];
      for await (const request of ctx.requests) texts.push(request.text);
      return { text: texts.join(","), index: texts.length, ...runtimeFields(ctx) };
    },

    "streaming.v1.StreamingService/Chat": async function* (ctx) {
      const fields = runtimeFields(ctx);
      let index = 0;
      for await (const request of ctx.requests) {
        index += 1;
        yield { text: request.text, index, ...fields };
      }
    },
  },
});

runServiceMain(service);
