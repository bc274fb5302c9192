/**
 * A local JSR mirror for the tests: the workspace's packages as `deno publish`
 * would upload them (its own file lists, from `--dry-run`), with the workspace
 * imports rewritten to versioned `jsr:` specifiers as publishing does, served over
 * HTTP on 127.0.0.1 the way the registry serves them (`JSR_URL`). Every request is
 * recorded. Private to `tests/`.
 *
 * @module
 */

import { PACKAGE_DIRS } from "../scripts/publish.ts";

const ROOT = new URL("../", import.meta.url).pathname;

/** One file of a package, as uploaded. */
export interface PackageFile {
  /** Its path in the package, starting with "/". */
  path: string;
  bytes: Uint8Array<ArrayBuffer>;
}

/** A package as published. */
export interface BuiltPackage {
  scope: string;
  name: string;
  version: string;
  exports: Record<string, string>;
  files: PackageFile[];
}

/** A request the mirror answered. */
export interface MirrorRequest {
  method: string;
  path: string;
  status: number;
}

/** A running mirror. */
export interface Registry extends AsyncDisposable {
  /** Its base URL with the final slash, for `JSR_URL`. */
  url: string;
  packages: BuiltPackage[];
  /** The requests so far, in order. */
  requests: MirrorRequest[];
}

/** The files `deno publish` would upload from `dir` (read from its dry run). */
export async function publishedFiles(dir: string): Promise<string[]> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["publish", "--dry-run", "--allow-dirty"],
    cwd: dir,
    env: { NO_COLOR: "1" },
    stdin: "null",
    signal: AbortSignal.timeout(120_000),
  }).output();
  const text = new TextDecoder().decode(stdout) +
    new TextDecoder().decode(stderr);
  if (code !== 0) throw new Error(`deno publish --dry-run in ${dir}:\n${text}`);
  return [...text.matchAll(/^\s+(file:\/\/\S+) \([^)]*\)$/gm)].map((m) =>
    decodeURIComponent(new URL(m[1]!).pathname)
  );
}

/** An import of a workspace package by name, in an import or export statement. */
const WORKSPACE_IMPORT =
  /(\b(?:from|import)\s*\(?\s*)(["'])(@[a-z0-9-]+\/[a-z0-9-]+)((?:\/[^"']*)?)\2/g;

/** A bare import (`"amaro"`, `"midi-file"`), in an import or export statement. */
const BARE_IMPORT =
  /(\b(?:from|import)\s*\(?\s*)(["'])([a-z0-9][a-z0-9._-]*)((?:\/[^"']*)?)\2/g;

/**
 * Rewrites the imports of workspace packages by name to `jsr:` specifiers at their
 * versions (`@midishare/kernel/api` → `jsr:@midishare/kernel@^0.1.0/api`), and bare
 * imports to their entries of the root import map (`amaro` → `npm:amaro@1.2.1`), as
 * `deno publish` does.
 */
export function unfurl(
  source: string,
  versions: Map<string, string>,
  importMap: Record<string, string> = {},
): string {
  return source.replace(
    WORKSPACE_IMPORT,
    (whole, lead: string, quote: string, name: string, sub: string) => {
      const version = versions.get(name);
      return version === undefined
        ? whole
        : `${lead}${quote}jsr:${name}@^${version}${sub}${quote}`;
    },
  ).replace(
    BARE_IMPORT,
    (whole, lead: string, quote: string, name: string, sub: string) => {
      const target = importMap[name];
      return target === undefined
        ? whole
        : `${lead}${quote}${target}${sub}${quote}`;
    },
  );
}

/** Builds every package of the workspace as it would be published. */
export async function buildPackages(): Promise<BuiltPackage[]> {
  const configs = await Promise.all(PACKAGE_DIRS.map(async (dir) => {
    const path = `${ROOT}${dir === "." ? "" : `${dir}/`}`;
    const config = JSON.parse(await Deno.readTextFile(`${path}deno.json`));
    return { dir: path, config, files: await publishedFiles(path) };
  }));
  const versions = new Map<string, string>(
    configs.map(({ config }) => [config.name, config.version]),
  );
  const rootImports: Record<string, string> =
    JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)).imports ?? {};
  return await Promise.all(configs.map(async ({ dir, config, files }) => {
    const [scope, name] = (config.name as string).slice(1).split("/");
    const exports = typeof config.exports === "string"
      ? { ".": config.exports }
      : config.exports;
    return {
      scope: scope!,
      name: name!,
      version: config.version,
      exports,
      files: await Promise.all(files.map(async (file) => {
        const path = file.slice(dir.length - 1);
        let bytes = await Deno.readFile(file);
        if (/\.[cm]?[jt]sx?$/.test(file)) {
          const text = unfurl(
            new TextDecoder().decode(bytes),
            versions,
            rootImports,
          );
          bytes = new TextEncoder().encode(text);
        }
        return { path, bytes };
      })),
    };
  }));
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}

const CONTENT_TYPES: Record<string, string> = {
  ts: "application/typescript; charset=utf-8",
  tsx: "application/typescript; charset=utf-8",
  js: "application/javascript; charset=utf-8",
  json: "application/json; charset=utf-8",
  md: "text/markdown; charset=utf-8",
};

/** Builds the packages and serves them on 127.0.0.1, like jsr.io. */
export async function startRegistry(): Promise<Registry> {
  const packages = await buildPackages();
  const routes = new Map<
    string,
    { body: Uint8Array<ArrayBuffer>; type: string }
  >();
  const json = (value: unknown) => ({
    body: new TextEncoder().encode(JSON.stringify(value)),
    type: CONTENT_TYPES.json!,
  });
  for (const p of packages) {
    const base = `/@${p.scope}/${p.name}`;
    routes.set(
      `${base}/meta.json`,
      json({
        scope: p.scope,
        name: p.name,
        latest: p.version,
        versions: { [p.version]: {} },
      }),
    );
    const manifest: Record<string, { size: number; checksum: string }> = {};
    for (const file of p.files) {
      manifest[file.path] = {
        size: file.bytes.length,
        checksum: `sha256-${await sha256(file.bytes)}`,
      };
      const extension = file.path.slice(file.path.lastIndexOf(".") + 1);
      routes.set(`${base}/${p.version}${file.path}`, {
        body: file.bytes,
        type: CONTENT_TYPES[extension] ?? "application/octet-stream",
      });
    }
    routes.set(
      `${base}/${p.version}_meta.json`,
      json({ manifest, exports: p.exports }),
    );
  }
  const requests: MirrorRequest[] = [];
  const listening = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: (addr) => listening.resolve(addr),
  }, (request) => {
    const path = decodeURIComponent(new URL(request.url).pathname);
    const route = routes.get(path);
    const status = route === undefined ? 404 : 200;
    requests.push({ method: request.method, path, status });
    if (route === undefined) return new Response("not found", { status });
    return new Response(request.method === "HEAD" ? null : route.body, {
      headers: { "content-type": route.type },
    });
  });
  const addr = await listening.promise;
  return {
    url: `http://127.0.0.1:${addr.port}/`,
    packages,
    requests,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}
