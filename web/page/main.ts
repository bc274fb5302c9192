/**
 * The patchbay page: connects to its web server, draws the graph, the selection, the
 * monitor and the health as the server's messages come, and sends the user's
 * requests. Nothing is asked of the server periodically: it pushes every change.
 *
 * Runs in the browser.
 *
 * @module
 */

import type { ServerMessage } from "../protocol.ts";
import { Connection } from "./connection.ts";
import { DetailsView } from "./details_view.ts";
import { GraphView } from "./graph_view.ts";
import { renderHealth } from "./health_view.ts";
import { MonitorView } from "./monitor_view.ts";

function byId<T extends HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

const banner = byId<HTMLElement>("banner");
const healthBar = byId<HTMLElement>("health");

function setBanner(state: string, text: string): void {
  banner.setAttribute("data-state", state);
  banner.textContent = text;
}

const connection = new Connection({
  onOpen() {
    setBanner("connecting", "Connected to the web server");
    if (monitor.target !== null) {
      connection.send({ op: "monitor", target: monitor.target });
    }
  },
  onClose(retryMs) {
    setBanner(
      "offline",
      `The web server is unreachable: trying again every ${retryMs / 1000} s`,
    );
  },
  onMessage: (message) => receive(message),
});

const details = new DetailsView(byId("details"), {
  disconnect: (src, dst) =>
    connection.send({ op: "connect", src, dst, state: false }),
  connectSlot: (port, drvRef, slotRef, state) =>
    connection.send({ op: "slot", port, drvRef, slotRef, state }),
  monitor: (refNum) => monitor.choose(refNum),
});

const graph = new GraphView(byId("graph"), {
  connect: (src, dst) =>
    connection.send({ op: "connect", src, dst, state: true }),
  disconnect: (src, dst) =>
    connection.send({ op: "connect", src, dst, state: false }),
  select: (selection) => details.render(selection, (r) => graph.node(r)),
});

const monitor = new MonitorView({
  target: byId("monitor-target"),
  pause: byId("monitor-pause"),
  status: byId("monitor-status"),
  roll: byId("monitor-roll"),
  list: byId("monitor-events"),
}, (target) => connection.send({ op: "monitor", target }));

function receive(message: ServerMessage): void {
  switch (message.kind) {
    case "graph":
      graph.render(message.graph);
      details.render(graph.selection, (r) => graph.node(r));
      monitor.setChoices(message.graph);
      document.body.setAttribute(
        "data-nodes",
        String(message.graph.nodes.length),
      );
      break;
    case "health":
      renderHealth(healthBar, message.health);
      break;
    case "server":
      setBanner(message.isUp ? "up" : "lost", message.message);
      break;
    case "events":
      monitor.onEvents(message.target, message.total, message.events);
      break;
    case "monitor":
      monitor.onMonitor(message.target, message.message);
      break;
  }
}
