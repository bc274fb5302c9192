// Command-line code prints to the terminal by design (STYLE.md §8).
// deno-lint-ignore-file no-console
/**
 * `deno task gen`: writes every generated file from the tables of
 * `transport/interface.ts` (and the call documentation of `transport/api_docs.ts`):
 * the notification interface and queue and the kernel's calls (`kernel/contract/gen/`),
 * the server port and the checking facade of the server calls (`kernel/client/gen/`),
 * the in-process port (`kernel/local/gen/`), the remote port and the frame codecs
 * (`transport/gen/`), the listener's decoder and the kernel worker's dispatch, which
 * only the server runs (`workers/gen/`), and the named exports of the client
 * (`client/gen/`). Output is deterministic and formatted;
 * a test regenerates it in memory and fails when the checked-in files differ.
 *
 * Usage: `deno run -A scripts/gen_stubs.ts`
 *
 * @module
 */

import { clientApi, midiShareCalls, serverCalls } from "./gen/api.ts";
import {
  kernelCalls,
  kernelDispatch,
  listenerDecode,
  localPort,
  remotePort,
  serverPort,
} from "./gen/calls.ts";
import { HEADER } from "./gen/common.ts";
import { frameCodecs } from "./gen/frames.ts";
import {
  notificationInterface,
  notificationQueue,
} from "./gen/notifications.ts";

/** The folders that hold nothing but generated files. */
export const GENERATED_FOLDERS: readonly string[] = [
  "kernel/contract/gen/",
  "kernel/client/gen/",
  "kernel/local/gen/",
  "transport/gen/",
  "workers/gen/",
  "client/gen/",
];

/** Formats TypeScript source with `deno fmt`. */
async function format(source: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext", "ts", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(source));
  await writer.close();
  const { success, stdout, stderr } = await child.output();
  if (!success) {
    throw new Error(
      `Cannot format generated code: ${new TextDecoder().decode(stderr)}`,
    );
  }
  return new TextDecoder().decode(stdout);
}

/** Every generated file, path relative to the repository root → content. */
export async function generateFiles(): Promise<Record<string, string>> {
  const sources: Record<string, string> = {
    "kernel/contract/gen/client_notifications_gen.ts": notificationInterface(
      HEADER,
    ),
    "kernel/contract/gen/notification_queue_gen.ts": notificationQueue(HEADER),
    "kernel/contract/gen/kernel_calls_gen.ts": kernelCalls(HEADER),
    "kernel/client/gen/server_port_gen.ts": serverPort(HEADER),
    "kernel/client/gen/server_calls_gen.ts": serverCalls(HEADER),
    "kernel/client/gen/midishare_calls_gen.ts": midiShareCalls(HEADER),
    "kernel/local/gen/local_port_gen.ts": localPort(HEADER),
    "transport/gen/client_stubs_gen.ts": remotePort(HEADER),
    "transport/gen/frames_gen.ts": frameCodecs(HEADER),
    "workers/gen/listener_decode_gen.ts": listenerDecode(HEADER),
    "workers/gen/kernel_dispatch_gen.ts": kernelDispatch(HEADER),
    "client/gen/api_gen.ts": clientApi(HEADER),
  };
  const files: Record<string, string> = {};
  for (const [path, source] of Object.entries(sources)) {
    files[path] = await format(source);
  }
  return files;
}

if (import.meta.main) {
  const root = new URL("../", import.meta.url);
  const files = await generateFiles();
  for (const folder of GENERATED_FOLDERS) {
    await Deno.remove(new URL(folder, root), { recursive: true }).catch(
      () => {},
    );
  }
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(new URL(path.slice(0, path.lastIndexOf("/") + 1), root), {
      recursive: true,
    });
    await Deno.writeTextFile(new URL(path, root), text);
    console.log(`wrote ${path}`);
  }
}
