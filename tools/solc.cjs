#!/usr/bin/env node
// A `solc`-compatible command over npm `solc` (the official emscripten build of the same compiler).
// It answers the two calls py-solc-x and ape-solidity make: `--version` and `--standard-json`
// (standard-JSON input on stdin, output on stdout). Other flags (--allow-paths, --base-path, ...) are
// accepted; imports are read from the filesystem relative to --base-path or the working directory.
"use strict";
const fs = require("fs");
const path = require("path");
const solc = require("solc");

const args = process.argv.slice(2);
const full = solc.version(); // e.g. 0.8.30+commit.73712a01.Emscripten.clang

if (args.includes("--version")) {
  const short = full.replace(/\.Emscripten.*$/, "");
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${short}.Linux.g++\n`);
  process.exit(0);
}

if (!args.includes("--standard-json")) {
  process.stderr.write("tools/solc.cjs: only --version and --standard-json are supported\n");
  process.exit(2);
}

function flag(name) {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : null;
}
const roots = [flag("--base-path"), ...(flag("--include-path") || "").split(","), process.cwd()]
  .filter(Boolean);

function findImports(p) {
  for (const root of roots) {
    const candidate = path.isAbsolute(p) ? p : path.join(root, p);
    if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, "utf8") };
  }
  return { error: `File not found: ${p}` };
}

const input = fs.readFileSync(0, "utf8");
process.stdout.write(solc.compile(input, { import: findImports }));
