#!/usr/bin/env node
// The CLI is plain TypeScript run by Node's built-in type stripping (Node >= 22.18 / 24),
// so there is no build step between editing the source and running `tkw`.
import '../electron/cli/main.ts';
