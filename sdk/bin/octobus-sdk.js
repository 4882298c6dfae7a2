#!/usr/bin/env node
import { runSdkCli } from "../src/cli/sdk-cli.js";

process.exitCode = await runSdkCli();
