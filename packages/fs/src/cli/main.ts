#!/usr/bin/env node
// The `cacheset-fs` executable: `cacheset-fs nginx --root /var/cache/site --app 127.0.0.1:3000`.
import { runCli } from './runCli.js';

process.exitCode = runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
