import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { catalog } from './catalog';
import { makeEnv } from './env';
import { optiserveIcon } from './icon';
import { Kpi } from './types';
import { OptiServePanel, PANEL_ID } from './widget';

const PLUGIN_ID = 'jupyter-optiserve:plugin';
const COMMAND = 'optiserve:open';
const KPIS: Kpi[] = ['latency', 'throughput', 'balanced', 'cost'];

function readSettings(settings: ISettingRegistry.ISettings | null): {
  defaultKpi: Kpi;
  namespace: string;
} {
  const kpi = settings?.get('defaultKpi').composite as string | undefined;
  const ns = settings?.get('namespace').composite as string | undefined;
  return {
    defaultKpi: (KPIS as string[]).includes(kpi ?? '') ? (kpi as Kpi) : 'balanced',
    namespace: ns ?? ''
  };
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'OptiServe: pick a model and a KPI, get a correctly sized vLLM/KServe deployment.',
  autoStart: true,
  optional: [ILayoutRestorer, ICommandPalette, ISettingRegistry, INotebookTracker],
  activate: (
    app: JupyterFrontEnd,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    registry: ISettingRegistry | null,
    tracker: INotebookTracker | null
  ) => {
    catalog().catch(() => undefined); // warm the catalog; errors show when the panel opens
    const panel = new OptiServePanel(makeEnv(app, tracker, readSettings(null)));
    app.shell.add(panel, 'left', { rank: 600 });
    restorer?.add(panel, PANEL_ID);

    app.commands.addCommand(COMMAND, {
      label: 'OptiServe: Size and Deploy a Model',
      caption: 'Open the OptiServe sidebar',
      icon: optiserveIcon,
      execute: () => app.shell.activateById(PANEL_ID)
    });
    palette?.addItem({ command: COMMAND, category: 'OptiServe' });

    if (registry) {
      registry
        .load(PLUGIN_ID)
        .then(settings => {
          const apply = () => panel.setEnv(makeEnv(app, tracker, readSettings(settings)));
          apply();
          settings.changed.connect(apply);
        })
        .catch(reason => console.warn('OptiServe: settings not loaded', reason));
    }
  }
};

export default plugin;
