// Small DOM helpers the explorer's views share.

/** The element with this id (the page's markup has every one the views look up). */
export const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** An element with optional text and class. */
export const el = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
};

/** A table in a box that scrolls sideways on a narrow screen, reachable by keyboard and named by its caption. */
export function scrolling(t: HTMLTableElement, caption: string): HTMLElement {
  const box = el('div', undefined, 'table-scroll');
  box.tabIndex = 0;
  box.setAttribute('role', 'region');
  box.setAttribute('aria-label', caption);
  box.append(t);
  return box;
}
