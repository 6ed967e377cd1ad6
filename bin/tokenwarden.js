#!/usr/bin/env node
// The CLI is plain TypeScript run by Node's built-in type stripping (Node >= 22.18 / 24), so there is no
// build step between editing the source and running `tkw`. The compile cache keeps the stripped and
// compiled modules on disk, which roughly halves the start-up of every later invocation.
import { enableCompileCache } from 'node:module';

enableCompileCache?.();
await import('../electron/cli/main.ts');
