/**
 * The server's health in the header: time, applications, events per second, late
 * ticks and tick lateness, free cells.
 *
 * Runs in the browser.
 *
 * @module
 */

import type { Health } from "../protocol.ts";
import { html } from "./svg.ts";

/** Shows `health` in `root`. */
export function renderHealth(root: HTMLElement, health: Health | null): void {
  root.replaceChildren();
  if (health === null) return;
  const n = (x: number) => x.toLocaleString("en-US");
  const item = (label: string, value: string, key: string) => {
    const span = html("span", { "data-health": key }, "", root);
    span.append(`${label} `);
    html("b", {}, value, span);
    span.append("  ");
  };
  item("time", `${(health.time / 1000).toFixed(1)} s`, "time");
  item("applications", n(health.applications), "applications");
  item("events/s", n(health.eventsPerSecond), "events");
  item(
    "late ticks/s",
    `${n(health.lateTicksPerSecond)} (${n(health.lateTicks)} in all, p99 ${
      n(health.tickLatenessP99Us)
    } µs)`,
    "late",
  );
  item(
    "free cells",
    `${n(health.freeCells)} / ${n(health.totalCells)}`,
    "cells",
  );
}
