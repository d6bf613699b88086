import { ReactWidget } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import React from 'react';
import { App } from './components/App';
import { IEnv } from './env';
import { focusWhenRendered } from './focus';
import { optiserveIcon } from './icon';

export const PANEL_ID = 'jupyter-optiserve-panel';

/** The left-sidebar panel. */
export class OptiServePanel extends ReactWidget {
  constructor(private env: IEnv) {
    super();
    this.id = PANEL_ID;
    this.addClass('jp-OptiServe');
    this.title.icon = optiserveIcon;
    this.title.caption = 'OptiServe: size and deploy a model server';
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
    if (this.node.contains(document.activeElement)) {
      return;
    }
    focusWhenRendered('input[type="search"]', 30, '[role="tab"][aria-selected="true"]');
  }

  /** Settings changed: re-render with the new defaults. */
  setEnv(env: IEnv): void {
    this.env = env;
    this.update();
  }

  render(): JSX.Element | null {
    return this.shown || this.isVisible ? <App env={this.env} /> : null;
  }

  private shown = false;
}
