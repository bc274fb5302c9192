/**
 * The command a client runs to start a MidiShare server when none answers: the
 * compiled binary itself, `main.ts` beside a checkout, or, for a client loaded from
 * JSR, the server package at the client's own version.
 *
 * Runs on the client's main thread when it starts a server. Not real-time safe.
 *
 * @module
 */

/** The JSR package whose entry point is the whole system (server, drivers, tools). */
export const SERVER_PACKAGE = "@midishare/midishare";

/** Where this module lies in a JSR package: `/@midishare/transport/<version>/...`. */
const JSR_PATH = /\/@midishare\/transport\/([0-9][0-9A-Za-z.+-]*)\/[^/]+\.ts$/;

/**
 * The `jsr:` specifier of the server package at the version of this module, when
 * this module was loaded from a JSR registry (jsr.io or the one `JSR_URL` names);
 * null otherwise. Every package of the workspace is published at one version.
 * @param moduleUrl the URL of this module (default `import.meta.url`)
 * @returns the specifier, or null
 */
export function serverPackageSpecifier(
  moduleUrl: string = import.meta.url,
): string | null {
  const url = new URL(moduleUrl);
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  const match = JSR_PATH.exec(url.pathname);
  return match === null ? null : `jsr:${SERVER_PACKAGE}@${match[1]}`;
}

/**
 * The command that starts a server: `MIDISHARE_SERVER_COMMAND` (a JSON array) if set;
 * this binary's `serve` when it is the compiled MidiShare; `main.ts serve` beside this
 * checkout; for a client loaded from JSR, Deno running the server package of the
 * same version (`deno run -A --unstable-net jsr:@midishare/midishare@<version>
 * serve`, without the configuration or lock file of the directory it starts in);
 * otherwise the `midishare` command on the PATH.
 * @returns the program and its arguments
 */
export function defaultServerCommand(): string[] {
  const env = Deno.env.get("MIDISHARE_SERVER_COMMAND");
  if (env !== undefined && env !== "") return JSON.parse(env) as string[];
  const exe = Deno.execPath();
  const base = exe.slice(exe.lastIndexOf("/") + 1);
  if (base !== "deno") return [exe, "serve"];
  const main = new URL("../main.ts", import.meta.url);
  if (main.protocol === "file:") {
    return [exe, "run", "-A", main.pathname, "serve"];
  }
  const server = serverPackageSpecifier();
  if (server !== null) {
    return [
      exe,
      "run",
      "-A",
      "--unstable-net",
      "--no-config",
      "--no-lock",
      server,
      "serve",
    ];
  }
  return ["midishare", "serve"];
}
