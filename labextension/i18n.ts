import { ITranslator, nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import React, { useContext } from 'react';

/** The gettext domain of the sidebar's strings (the Python package's name, as JupyterLab expects). */
export const DOMAIN = 'jupyter_optiserve';

/** The bundle of the sidebar's strings in the user's language; English when no language pack is installed. */
export function bundle(translator?: ITranslator | null): TranslationBundle {
  return (translator ?? nullTranslator).load(DOMAIN);
}

/** The bundle for every component under the panel root (set by the panel from ITranslator). */
export const TranslationContext = React.createContext<TranslationBundle>(bundle());

/** `trans.__('text')`, `trans._n('one', 'many', n)` in a component. */
export function useTrans(): TranslationBundle {
  return useContext(TranslationContext);
}
