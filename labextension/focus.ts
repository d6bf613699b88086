/** The sidebar's id (widget.ts names the panel with it). */
const PANEL = '#jupyter-optiserve-panel';

/**
 * Focus `selector` inside the panel once it is rendered (React commits after the state change that
 * calls this): used when the focused control disappears with the state it belonged to, so focus
 * never falls back to the page. After `tries` animation frames
 * it focuses `fallback` when given, else gives up quietly.
 */
export function focusWhenRendered(selector: string, tries = 30, fallback?: string): void {
  const el = document.querySelector<HTMLElement>(`${PANEL} ${selector}`);
  if (el && !el.closest('[hidden]')) {
    el.focus();
  } else if (tries > 0) {
    requestAnimationFrame(() => focusWhenRendered(selector, tries - 1, fallback));
  } else if (fallback) {
    focusWhenRendered(fallback, 0);
  }
}
