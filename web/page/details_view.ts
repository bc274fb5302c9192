/**
 * The panel of the selection: a wire with its Disconnect button, or a box with its
 * facts, a button to monitor it, and for a driver the editable map of MidiShare ports
 * to its slots (one row per slot, one checkbox per port of a block of 16).
 *
 * Runs in the browser.
 *
 * @module
 */

import type { GraphNode } from "../protocol.ts";
import type { Selection } from "./graph_view.ts";
import { html } from "./svg.ts";

/** What the panel asks of the page. */
export interface DetailsEvents {
  /** Break `src → dst`. */
  disconnect(src: number, dst: number): void;
  /** Map or unmap a port and a slot. */
  connectSlot(
    port: number,
    drvRef: number,
    slotRef: number,
    state: boolean,
  ): void;
  /** Monitor `refNum`. */
  monitor(refNum: number): void;
}

const DIRECTIONS = ["", "in", "out", "in/out"];
const PORTS_PER_BLOCK = 16;

/** The selection panel; see the module documentation. */
export class DetailsView {
  readonly #root: HTMLElement;
  readonly #events: DetailsEvents;
  #portBlock = 0;

  constructor(root: HTMLElement, events: DetailsEvents) {
    this.#root = root;
    this.#events = events;
  }

  /** Shows `selection`; `nodeOf` finds the graph's boxes. */
  render(
    selection: Selection | null,
    nodeOf: (refNum: number) => GraphNode | undefined,
  ): void {
    const root = this.#root;
    root.replaceChildren();
    if (selection === null) return;
    if (selection.kind === "wire") {
      const { src, dst } = selection;
      html("h2", {}, "Connection", root);
      html(
        "p",
        {},
        `${nodeOf(src)?.name ?? "?"} (${src}) → ${
          nodeOf(dst)?.name ?? "?"
        } (${dst})`,
        root,
      );
      const button = html(
        "button",
        { type: "button", id: "disconnect" },
        "Disconnect",
        root,
      );
      button.onclick = () => this.#events.disconnect(src, dst);
      return;
    }
    const node = nodeOf(selection.refNum);
    if (node === undefined) return;
    html("h2", {}, `${node.name} (refnum ${node.refNum})`, root);
    const facts = [
      node.kind,
      node.client === 0 ? "MidiShare's own" : `client ${node.client}`,
    ];
    if (node.isNetwork) facts.push("network peer");
    if (node.isWeb) facts.push("opened by this web server");
    html("p", {}, facts.join(" · "), root);
    const watch = html(
      "button",
      { type: "button", id: "monitor-this" },
      "Monitor its events",
      root,
    );
    watch.onclick = () => this.#events.monitor(node.refNum);
    if (node.slots.length > 0) this.#slotMap(node);
  }

  #slotMap(node: GraphNode): void {
    const root = this.#root;
    html("h2", {}, "Ports → slots", root);
    const picker = html("label", {}, "Ports ", root);
    const select = html("select", { id: "port-block" }, "", picker);
    for (let b = 0; b < 256 / PORTS_PER_BLOCK; b++) {
      const first = b * PORTS_PER_BLOCK;
      const option = html(
        "option",
        { value: b },
        `${first}–${first + PORTS_PER_BLOCK - 1}`,
        select,
      );
      if (b === this.#portBlock) option.selected = true;
    }
    select.onchange = () => {
      this.#portBlock = Number(select.value);
      this.render({ kind: "node", refNum: node.refNum }, () => node);
    };
    const table = html("table", { class: "slot-map" }, "", root);
    const head = html("tr", {}, "", table);
    html("th", {}, "slot", head);
    const first = this.#portBlock * PORTS_PER_BLOCK;
    for (let p = first; p < first + PORTS_PER_BLOCK; p++) {
      html("th", {}, String(p), head);
    }
    for (const slot of node.slots) {
      const row = html("tr", {}, "", table);
      html(
        "td",
        { class: "slot-name", title: slot.name },
        `${DIRECTIONS[slot.direction]} ${slot.name}`,
        row,
      );
      for (let p = first; p < first + PORTS_PER_BLOCK; p++) {
        const cell = html("td", {}, "", row);
        const box = html(
          "input",
          {
            type: "checkbox",
            "data-port": p,
            "data-slot": slot.slotRef,
            "aria-label": `port ${p} to slot ${slot.name}`,
          },
          "",
          cell,
        );
        box.checked = slot.ports.includes(p);
        box.onchange = () =>
          this.#events.connectSlot(p, node.refNum, slot.slotRef, box.checked);
      }
    }
  }
}
