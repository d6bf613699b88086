import { JupyterFrontEnd } from '@jupyterlab/application';
import { INotebookTracker } from '@jupyterlab/notebook';
import { Kpi } from './types';

/** What the React tree needs from JupyterLab, kept behind a small interface. */
export interface IEnv {
  defaultKpi: Kpi;
  namespace: string;
  /** Save text under `optiserve/<fileName>` in the Jupyter root and open it in an editor tab. */
  openInEditor(fileName: string, text: string): Promise<void>;
  /** Insert a code cell below the active cell of the current notebook; false without one. */
  insertIntoNotebook(code: string): Promise<boolean>;
}

export function makeEnv(
  app: JupyterFrontEnd,
  tracker: INotebookTracker | null,
  settings: { defaultKpi: Kpi; namespace: string }
): IEnv {
  return {
    ...settings,
    async openInEditor(fileName: string, text: string) {
      const contents = app.serviceManager.contents;
      // Look in the root listing (a GET of a missing path would log a 404 in the console).
      const root = await contents.get('', { content: true });
      const items = (root.content ?? []) as { name: string; type: string }[];
      if (!items.some(i => i.name === 'optiserve' && i.type === 'directory')) {
        const dir = await contents.newUntitled({ type: 'directory', path: '' });
        await contents.rename(dir.path, 'optiserve');
      }
      const path = `optiserve/${fileName}`;
      await contents.save(path, { type: 'file', format: 'text', content: text });
      await app.commands.execute('docmanager:open', { path, factory: 'Editor' });
    },
    async insertIntoNotebook(code: string) {
      const panel = tracker?.currentWidget;
      if (!panel) {
        return false;
      }
      app.shell.activateById(panel.id);
      await app.commands.execute('notebook:insert-cell-below');
      const cell = panel.content.activeCell;
      if (!cell) {
        return false;
      }
      cell.model.sharedModel.setSource(code);
      return true;
    }
  };
}
