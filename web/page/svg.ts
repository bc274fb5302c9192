/**
 * Making SVG and HTML elements in one call.
 *
 * Runs in the browser.
 *
 * @module
 */

const SVG_NS = "http://www.w3.org/2000/svg";

/** A new SVG element with attributes, appended to `parent` when given. */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number> = {},
  parent?: Element,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attributes)) {
    el.setAttribute(k, String(v));
  }
  parent?.appendChild(el);
  return el;
}

/** A new HTML element with attributes and text, appended to `parent` when given. */
export function html<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number> = {},
  text = "",
  parent?: Element,
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes)) {
    el.setAttribute(k, String(v));
  }
  if (text !== "") el.textContent = text;
  parent?.appendChild(el);
  return el;
}
