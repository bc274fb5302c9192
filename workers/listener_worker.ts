/**
 * Entry point of the listening worker: listens on the socket and serves clients until
 * the main thread asks it to stop.
 *
 * @module
 */

import { configureLog } from "@midishare/transport/logger";
import { Listener } from "./listener.ts";
import { openLogFile } from "./log_file.ts";
import type { ListenerWorkerMessage, MainMessage } from "./messages.ts";

declare const self: {
  onmessage: ((e: MessageEvent<ListenerWorkerMessage>) => void) | null;
  postMessage(message: MainMessage): void;
  close(): void;
};

let listener: Listener | null = null;

self.onmessage = async (e) => {
  const message = e.data;
  if (message.kind === "start") {
    configureLog({
      level: message.logLevel,
      ...(message.logFile === undefined ? {} : {
        sink: openLogFile(message.logFile, {
          ...(message.logMaxBytes === undefined
            ? {}
            : { maxBytes: message.logMaxBytes }),
        }),
      }),
    });
    listener = new Listener(
      message.memory,
      message.socketPath,
      message.limits,
    );
    try {
      await listener.start();
      self.postMessage({ kind: "listening" });
    } catch (error) {
      self.postMessage({ kind: "listen-failed", message: String(error) });
    }
  } else if (message.kind === "stop") {
    await listener?.stop(message.reason);
    self.postMessage({ kind: "listener-stopped" });
    self.close();
  }
};
