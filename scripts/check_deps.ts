// Command-line code prints to the terminal by design (STYLE.md §8).
// deno-lint-ignore-file no-console
/**
 * The dependency checker of `deno task check`: imports point one way
 * (`cli` → `client` → `transport` → `kernel`; `workers` → `kernel`, `transport`,
 * `drivers`), files named `_x.ts` stay private to their folder, and `kernel/` uses no
 * `Deno`, console or timer.
 *
 * Usage: `deno run --allow-read scripts/check_deps.ts`
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url);

/** Top-level folders (and `main.ts`) each folder may import, besides itself. */
const ALLOWED: Record<string, string[]> = {
  "kernel": [],
  "transport": ["kernel"],
  "client": ["transport", "kernel"],
  // `serve` starts the server itself, so cli reaches the server's main module.
  "cli": ["client", "transport", "kernel", "workers"],
  "workers": ["kernel", "transport", "drivers/rtmidi"],
  "drivers/rtmidi": ["kernel", "transport"],
  "drivers/inet": ["client", "transport", "kernel"],
  "main.ts": ["cli"],
};

const KERNEL_FORBIDDEN = [
  /\bDeno\./,
  /\bconsole\./,
  /\bset(Timeout|Interval)\(/,
];

const IMPORT =
  /(?:import|export)\s[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function area(path: string): string | null {
  if (path === "main.ts") return "main.ts";
  const [top, sub] = path.split("/");
  if (top === "drivers" && sub !== undefined) return `drivers/${sub}`;
  return top !== undefined && top in ALLOWED ? top : null;
}

async function* sourceFiles(dir: URL, prefix = ""): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = prefix + entry.name;
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    if (entry.isDirectory) {
      yield* sourceFiles(new URL(`${entry.name}/`, dir), `${path}/`);
    } else if (entry.name.endsWith(".ts")) yield path;
  }
}

function isTest(path: string): boolean {
  return /_(test|bench|test_util)\.ts$/.test(path);
}

const problems: string[] = [];
for await (const path of sourceFiles(ROOT)) {
  const from = area(path);
  if (from === null) continue;
  const text = await Deno.readTextFile(new URL(path, ROOT));
  const folder = path.slice(0, path.lastIndexOf("/") + 1);
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2]!;
    const bare = /^@midishare\/(kernel|transport|client)\b/.exec(spec);
    if (bare !== null) {
      const to = bare[1]!;
      if (to !== from && !isTest(path) && !ALLOWED[from]!.includes(to)) {
        problems.push(`${path}: ${from} may not import ${to} ("${spec}")`);
      }
      if (to === from) {
        problems.push(`${path}: imports its own package by name ("${spec}")`);
      }
      continue;
    }
    if (!spec.startsWith(".")) continue;
    const target = new URL(spec, new URL(path, ROOT)).pathname.slice(
      ROOT.pathname.length,
    );
    const name = target.slice(target.lastIndexOf("/") + 1);
    const targetFolder = target.slice(0, target.lastIndexOf("/") + 1);
    if (name.startsWith("_") && targetFolder !== folder) {
      problems.push(`${path}: imports "${spec}", private to ${targetFolder}`);
    }
    const to = area(target);
    if (to === null || to === from || isTest(path)) continue;
    if (!ALLOWED[from]!.includes(to)) {
      problems.push(`${path}: ${from} may not import ${to} ("${spec}")`);
    }
  }
  if (from === "kernel" && !isTest(path)) {
    const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    for (const pattern of KERNEL_FORBIDDEN) {
      if (pattern.test(code)) {
        problems.push(`${path}: kernel code uses ${pattern.source}`);
      }
    }
  }
}

if (problems.length > 0) {
  console.error(`Dependency check failed:\n${problems.join("\n")}`);
  Deno.exit(1);
}
console.log("dependencies: ok");
