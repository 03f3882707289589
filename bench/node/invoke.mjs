// One invocation from a shell, like the Java jars' InvokeOnce: `node invoke.mjs event.json` prints the response
// and exits (a fresh process per cold start measured by bin/bench).
import { readFileSync } from "node:fs";
import { handler } from "./balance.mjs";

if (process.argv.length !== 3) {
  console.error("usage: node invoke.mjs <event.json>");
  process.exit(2);
}
try {
  const response = await handler(JSON.parse(readFileSync(process.argv[2], "utf8")));
  process.stdout.write(JSON.stringify(response) + "\n");
  process.exit(0);
} catch (e) {
  console.error(e);
  process.stdout.write(JSON.stringify({ errorMessage: String(e?.message), errorType: e?.name }) + "\n");
  process.exit(1);
}
