/**
 * The files of the patchbay page, served from `web/page/`: the HTML, the style sheet
 * and the page's TypeScript modules, which are stripped of their types at the first
 * request (Node's type stripper, `amaro`, in-process) and kept. Only the files of
 * that folder are served, by exact name.
 *
 * Why stripping rather than bundling: the page's modules import each other by
 * relative path, which browsers load as they are, so nothing needs bundling; stripping
 * only removes type syntax and keeps every line and column where it was, so the
 * browser's errors point at the source; it runs in the server's process (also in the
 * compiled binary), without Deno's unstable bundler or a build step.
 *
 * @module
 */

import { transformSync } from "amaro";

const PAGE_DIR = new URL("./page/", import.meta.url);

/** A file ready to send. */
export interface Asset {
  /** The `Content-Type` header. */
  contentType: string;
  /** The bytes. */
  body: Uint8Array<ArrayBuffer>;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".ts": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
};

const cache = new Map<string, Asset>();

/**
 * The page file `name` (`index.html`, `main.ts`, ...), TypeScript turned into
 * JavaScript; null when there is no such file.
 *
 * @throws {SyntaxError} when a module holds syntax that stripping cannot remove
 */
export async function pageAsset(name: string): Promise<Asset | null> {
  const known = cache.get(name);
  if (known !== undefined) return known;
  // One plain file name of the folder: no path, no hidden file, a known type.
  if (!/^[a-z][a-z0-9_]*\.(html|css|ts|svg)$/.test(name)) return null;
  if (name.endsWith("_test.ts")) return null;
  let text: string;
  try {
    text = await Deno.readTextFile(new URL(name, PAGE_DIR));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  const ext = name.slice(name.lastIndexOf("."));
  if (ext === ".ts") text = stripTypes(name, text);
  const asset = {
    contentType: TYPES[ext]!,
    body: new TextEncoder().encode(text),
  };
  cache.set(name, asset);
  return asset;
}

/** `source` without its types: a module the browser runs. */
export function stripTypes(name: string, source: string): string {
  try {
    return transformSync(source, { mode: "strip-only", filename: name }).code;
  } catch (error) {
    throw new SyntaxError(`Cannot strip the types of "${name}"`, {
      cause: error,
    });
  }
}
