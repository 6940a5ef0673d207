import { runCli } from './cli';

// The admin CLI: `npm run cli -- <command>`; see `runCli`.
runCli(process.argv.slice(2), { env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // runCli reports its own failures; this is only reached by a bug in it.
    console.error(error);
    process.exitCode = 2;
  },
);
