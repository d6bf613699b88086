import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import React from 'react';
import { App } from './components/App';
import { IEnv } from './env';
import { TranslationContext } from './i18n';
import { optiserveIcon } from './icon';

export const PANEL_ID = 'jupyter-optiserve-panel';

// how long focusSearch() waits for the first render (the panel renders on its first show)
const FOCUS_WAIT_MS = 5000;

/** The left-sidebar panel. */
export class OptiServePanel extends ReactWidget {
  constructor(
    private env: IEnv,
    private trans: TranslationBundle
  ) {
    super();
    this.id = PANEL_ID;
    this.addClass('jp-OptiServe');
    this.title.icon = optiserveIcon;
    this.title.caption = trans.__('OptiServe: size and deploy a model server');
  }

  /** Nothing is fetched until the panel is first shown (no cluster calls at JupyterLab start-up). */
  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    if (!this.shown) {
      this.shown = true;
      this.update();
    }
  }

  /**
   * Opened from the command palette, a shortcut or its tab: focus goes into the panel (the model
   * search, else the selected view tab), not left behind in the main area.
   */
  protected onActivateRequest(msg: Message): void {
    super.onActivateRequest(msg);
    if (!this.node.contains(document.activeElement)) {
      this.focusSearch();
    }
  }

  /**
   * Put the keyboard in the model search box (or, when step 1 is closed or the Deployments tab is
   * showing, on the selected tab). The panel renders on its first show, so wait a few frames for it.
   */
  focusSearch(): void {
    const until = performance.now() + FOCUS_WAIT_MS;
    const attempt = () => {
      if (this.node.querySelector('.jp-OptiServe-root')) {
        // step 1 comes first in the flow: its search is the flow's first search box
        (
          this.node.querySelector<HTMLElement>('.jp-OptiServe-flow input[type="search"]') ??
          this.node.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]')
        )?.focus();
      } else if (performance.now() < until) {
        requestAnimationFrame(attempt);
      }
    };
    attempt();
  }

  /** Settings changed: re-render with the new defaults. */
  setEnv(env: IEnv): void {
    this.env = env;
    this.update();
  }

  render(): JSX.Element | null {
    return this.shown || this.isVisible ? (
      <TranslationContext.Provider value={this.trans}>
        <App env={this.env} />
      </TranslationContext.Provider>
    ) : null;
  }

  private shown = false;
}
