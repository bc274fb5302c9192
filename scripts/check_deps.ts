// Command-line code prints to the terminal by design (STYLE.md §8).
// deno-lint-ignore-file no-console
/**
 * The dependency checker of `deno task check`: imports point one way
 * (`cli` → `client` → `transport` → `kernel`; `workers` → `kernel`, `transport`,
 * `drivers`; inside the kernel, `server/` and `client/` stand apart on `api/` and
 * `memory/`, and only `local/` composes them), files named `_x.ts` stay private to their folder, and `kernel/` uses no
 * `Deno`, console or timer.
 *
 * Usage: `deno run --allow-read scripts/check_deps.ts`
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url);

/**
 * Areas (top-level folders, the kernel's and the drivers' subfolders, `main.ts`) and
 * the areas each may import besides itself; "kernel" admits every part of the kernel.
 */
const ALLOWED: Record<string, string[]> = {
  // The kernel: server and client halves never meet except in the in-process part.
  "kernel/api": [],
  "kernel/memory": ["kernel/api"],
  "kernel/server": ["kernel/api", "kernel/memory", "kernel/contract"],
  "kernel/client": ["kernel/api", "kernel/memory", "kernel/contract"],
  "kernel/midi": ["kernel/api", "kernel/memory"],
  // What the server half tells a client half: both halves and the transport use it.
  "kernel/contract": ["kernel/api", "kernel/memory"],
  "kernel/local": [
    "kernel/api",
    "kernel/memory",
    "kernel/server",
    "kernel/client",
    "kernel/contract",
  ],
  "kernel": ["kernel"],
  "transport": [
    "kernel/api",
    "kernel/memory",
    "kernel/contract",
    "kernel/client",
  ],
  "client": ["transport", "kernel"],
  // `serve` starts the server itself, so cli reaches the server's main module.
  "cli": ["client", "transport", "kernel", "workers", "drivers/inet", "web"],
  // The patchbay page's server is a client program; its page imports only itself.
  "web": ["client"],
  "workers": ["kernel", "transport", "drivers/rtmidi"],
  "drivers/rtmidi": ["kernel", "transport"],
  "drivers/inet": ["client", "transport", "kernel"],
  "main.ts": ["cli"],
};

/** Whether area `from` may import area `to`. */
function mayImport(from: string, to: string): boolean {
  if (to === from) return true;
  return ALLOWED[from]!.some((a) => to === a || to.startsWith(`${a}/`));
}

/**
 * Only the generated codecs (`gen/*_gen.ts`) and their runtime (`transport/wire.ts`,
 * `transport/wire_types.ts`) lay frames out: anywhere else, starting a frame or
 * writing a kind byte is a second description of the protocol. Tests may craft
 * malformed frames by hand.
 */
const FRAME_RUNTIME = ["transport/wire.ts", "transport/wire_types.ts"];
const FRAME_LAYOUT = [/\.beginFrame\(/, /\.openFrame\(/];

const KERNEL_FORBIDDEN = [
  /\bDeno\./,
  /\bconsole\./,
  /\bset(Timeout|Interval)\(/,
];

const IMPORT =
  /(?:import|export)\s[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function area(path: string): string | null {
  if (path === "main.ts") return "main.ts";
  const [top, sub, file] = path.split("/");
  if (top === "drivers" && sub !== undefined) return `drivers/${sub}`;
  if (top === "kernel" && file !== undefined) return `kernel/${sub}`;
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
  return /_(test|bench|test_util|test_worker)\.ts$/.test(path);
}

const problems: string[] = [];
for await (const path of sourceFiles(ROOT)) {
  const from = area(path);
  if (from === null) continue;
  const text = await Deno.readTextFile(new URL(path, ROOT));
  const folder = path.slice(0, path.lastIndexOf("/") + 1);
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2]!;
    const bare = /^@midishare\/(kernel|transport|client)(?:\/([a-z_]+))?/
      .exec(spec);
    if (bare !== null) {
      const to = bare[1] === "kernel" && bare[2] !== undefined
        ? `kernel/${bare[2]}`
        : bare[1]!;
      if (!isTest(path) && !mayImport(from, to)) {
        problems.push(`${path}: ${from} may not import ${to} ("${spec}")`);
      }
      if (to.split("/")[0] === from.split("/")[0]) {
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
    // Tests may use the private helpers of an enclosing folder.
    const isOwnHelper = targetFolder === folder ||
      (isTest(path) && folder.startsWith(targetFolder));
    if (name.startsWith("_") && !isOwnHelper) {
      problems.push(`${path}: imports "${spec}", private to ${targetFolder}`);
    }
    const to = area(target);
    if (to === null || isTest(path)) continue;
    if (!mayImport(from, to)) {
      problems.push(`${path}: ${from} may not import ${to} ("${spec}")`);
    }
  }
  const isCodec = /\/gen\/[a-z_]+_gen\.ts$/.test(path) ||
    FRAME_RUNTIME.includes(path) || path.startsWith("scripts/");
  if (!isCodec && !isTest(path)) {
    const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    for (const pattern of FRAME_LAYOUT) {
      if (pattern.test(code)) {
        problems.push(
          `${path}: lays a frame out by hand (${pattern.source}); use the generated codecs`,
        );
      }
    }
  }
  // The network drivers' protocol core is socket- and timer-free like the kernel.
  const isPure = from.split("/")[0] === "kernel" ||
    path.startsWith("drivers/inet/core/");
  if (isPure && !isTest(path)) {
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
