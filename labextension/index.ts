import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { catalog } from './catalog';
import { makeEnv } from './env';
import { bundle } from './i18n';
import { optiserveIcon } from './icon';
import { Kpi } from './types';
import { OptiServePanel, PANEL_ID } from './widget';

const PLUGIN_ID = 'jupyter-optiserve:plugin';
// one command behind the palette, the launcher card and the View menu entry (schema/plugin.json)
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
  optional: [
    ILayoutRestorer,
    ICommandPalette,
    ISettingRegistry,
    INotebookTracker,
    ILauncher,
    ITranslator
  ],
  activate: (
    app: JupyterFrontEnd,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    registry: ISettingRegistry | null,
    tracker: INotebookTracker | null,
    launcher: ILauncher | null,
    translator: ITranslator | null
  ) => {
    const trans = bundle(translator);
    catalog().catch(() => undefined); // warm the catalog; errors show when the panel opens
    const panel = new OptiServePanel(makeEnv(app, tracker, readSettings(null)), trans);
    app.shell.add(panel, 'left', { rank: 600 });
    restorer?.add(panel, PANEL_ID);

    app.commands.addCommand(COMMAND, {
      // the launcher card has room for a name only; the palette and the menu say what it does
      label: args =>
        args.isLauncher ? trans.__('OptiServe') : trans.__('OptiServe: Size and Deploy a Model'),
      caption: trans.__('Open the OptiServe sidebar'),
      icon: optiserveIcon,
      execute: () => {
        app.shell.activateById(PANEL_ID);
        panel.focusSearch();
      }
    });
    palette?.addItem({ command: COMMAND, category: trans.__('OptiServe') });
    // JupyterLab's own "Other" section (its name in JupyterLab's domain, so the card joins it in any language)
    const other = (translator ?? nullTranslator).load('jupyterlab').__('Other');
    launcher?.add({ command: COMMAND, category: other, rank: 10, args: { isLauncher: true } });

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
