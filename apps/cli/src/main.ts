#!/usr/bin/env node
import { buildProgram } from './program';
import { UsageError } from './kafka-from-env';

buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`clement: ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(
      `clement: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
