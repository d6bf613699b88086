import { TranslationBundle } from '@jupyterlab/translation';
import React, { useState } from 'react';
import { useTrans } from '../i18n';
import { IModelChoice } from '../types';

type Source = IModelChoice['source'];

function sources(trans: TranslationBundle): { id: Exclude<Source, 'catalog'>; label: string }[] {
  return [
    { id: 'hf', label: trans.__('Hugging Face id') },
    { id: 's3', label: trans.__('S3 data connection') },
    { id: 'pvc', label: trans.__('PVC path') },
    { id: 'oci', label: trans.__('OCI modelcar image') },
    { id: 'local', label: trans.__('Local folder with config.json') }
  ];
}

// Example values in the fields (a model id, a Secret name, a storage URI): the same in every language.
const EXAMPLE_ARCH = 'ibm-granite/granite-3.1-8b-instruct';
const EXAMPLE_CONNECTION = 'my-s3-connection';
const EXAMPLE_WEIGHTS = 'pvc://models-pvc/my-model';

/** "Bring your own": where the architecture (config.json) and the weights come from. */
export function BringYourOwn(props: { onChoose: (m: IModelChoice) => void }): JSX.Element {
  const trans = useTrans();
  const [source, setSource] = useState<Exclude<Source, 'catalog'>>('hf');
  const [arch, setArch] = useState('');
  const [location, setLocation] = useState('');
  const [connection, setConnection] = useState('');
  const [weights, setWeights] = useState('');

  const needsArch = source === 's3' || source === 'pvc' || source === 'oci';
  const choice = build(
    source,
    arch.trim(),
    location.trim(),
    connection.trim(),
    weights.trim(),
    trans
  );

  return (
    <details className="jp-OptiServe-byo">
      <summary aria-label={trans.__('Bring your own model')}>
        {trans.__('Bring your own model')}
      </summary>
      <form
        className="jp-OptiServe-form"
        onSubmit={e => {
          e.preventDefault();
          if (choice) {
            props.onChoose(choice);
          }
        }}
      >
        <label>
          {trans.__('Source')}
          <select
            className="jp-mod-styled"
            aria-label={trans.__('Model source')}
            value={source}
            onChange={e => setSource(e.target.value as Exclude<Source, 'catalog'>)}
          >
            {sources(trans).map(s => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        {needsArch ? (
          <label>
            {trans.__('Architecture (Hugging Face id or folder with config.json)')}
            <input
              className="jp-OptiServe-input jp-mod-styled"
              aria-label={trans.__('Model architecture')}
              placeholder={EXAMPLE_ARCH}
              value={arch}
              onChange={e => setArch(e.target.value)}
            />
          </label>
        ) : null}
        {source === 's3' ? (
          <label>
            {trans.__('Data connection (Secret name)')}
            <input
              className="jp-OptiServe-input jp-mod-styled"
              aria-label={trans.__('S3 data connection')}
              placeholder={EXAMPLE_CONNECTION}
              value={connection}
              onChange={e => setConnection(e.target.value)}
            />
          </label>
        ) : null}
        <label>
          {placeholderLabel(source, trans)}
          <input
            className="jp-OptiServe-input jp-mod-styled"
            aria-label={placeholderLabel(source, trans)}
            placeholder={placeholder(source, trans)}
            value={location}
            onChange={e => setLocation(e.target.value)}
          />
        </label>
        {source === 'local' ? (
          <label>
            {trans.__('Weights for the deployment (optional: pvc://, s3://, oci:// or hf://)')}
            <input
              className="jp-OptiServe-input jp-mod-styled"
              aria-label={trans.__('Weights location')}
              placeholder={EXAMPLE_WEIGHTS}
              value={weights}
              onChange={e => setWeights(e.target.value)}
            />
          </label>
        ) : null}
        <button
          type="submit"
          className="jp-OptiServe-btn jp-mod-accept"
          aria-label={trans.__('Use this model')}
          disabled={!choice}
        >
          {trans.__('Use this model')}
        </button>
      </form>
    </details>
  );
}

function placeholderLabel(s: Source, trans: TranslationBundle): string {
  switch (s) {
    case 'hf':
      return trans.__('Hugging Face model id');
    case 's3':
      return trans.__('S3 path (bucket/folder)');
    case 'pvc':
      return trans.__('PVC path (claim/folder)');
    case 'oci':
      return trans.__('Modelcar image');
    default:
      return trans.__('Folder with config.json');
  }
}

/** An example of the location; all but the local folder's are ids and paths, the same in every language. */
function placeholder(s: Source, trans: TranslationBundle): string {
  switch (s) {
    case 'hf':
      return 'org/model-name';
    case 's3':
      return 'models/granite-8b';
    case 'pvc':
      return 'models-pvc/granite-8b';
    case 'oci':
      return 'quay.io/org/modelcar-granite:1.0';
    default:
      return trans.__('/path/to/model-folder (on the Jupyter server)');
  }
}

function build(
  source: Source,
  arch: string,
  location: string,
  connection: string,
  weights: string,
  trans: TranslationBundle
): IModelChoice | null {
  if (!location) {
    return null;
  }
  const strip = (p: string, scheme: string) => p.replace(new RegExp(`^${scheme}://`), '');
  switch (source) {
    case 'hf':
      return { model: strip(location, 'hf'), label: strip(location, 'hf'), source };
    case 'local':
      return weights
        ? { model: location, storage_uri: weights, label: `${location} (config.json)`, source }
        : { model: location, label: `${location} (config.json)`, source };
    case 's3':
      return arch && connection
        ? {
            model: arch,
            storage_uri: `s3://${strip(location, 's3')}`,
            connection,
            label: trans.__('%1 from %2', arch, `s3://${strip(location, 's3')}`),
            source
          }
        : null;
    case 'pvc':
      return arch
        ? {
            model: arch,
            storage_uri: `pvc://${strip(location, 'pvc')}`,
            label: trans.__('%1 from %2', arch, `pvc://${strip(location, 'pvc')}`),
            source
          }
        : null;
    case 'oci':
      return arch
        ? {
            model: arch,
            storage_uri: `oci://${strip(location, 'oci')}`,
            label: trans.__('%1 from %2', arch, `oci://${strip(location, 'oci')}`),
            source
          }
        : null;
    default:
      return null;
  }
}
