/**
 * DOM questions that must also hold inside a widget's shadow root (`<scu-report>`): there the document
 * sees the widget's host element, not the element focused or clicked inside it.
 */

/** The focused element of `node`'s own root (its shadow root in a widget, the document on the page). */
export function focusedElement(node: Node): Element | null {
  return (node.getRootNode() as Document | ShadowRoot).activeElement ?? null;
}

/** Whether `event` happened inside `element`, across shadow boundaries (a listener on the document sees
 * a widget's events retargeted to its host, so `event.target` cannot say). */
export function eventInside(event: Event, element: Element): boolean {
  return event.composedPath().includes(element);
}
