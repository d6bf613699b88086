import React, { useState } from 'react';
import { IModelChoice } from '../types';

type Source = IModelChoice['source'];

const SOURCES: { id: Exclude<Source, 'catalog'>; label: string }[] = [
  { id: 'hf', label: 'Hugging Face id' },
  { id: 's3', label: 'S3 data connection' },
  { id: 'pvc', label: 'PVC path' },
  { id: 'oci', label: 'OCI modelcar image' },
  { id: 'local', label: 'Local folder with config.json' }
];

/** "Bring your own": where the architecture (config.json) and the weights come from. */
export function BringYourOwn(props: { onChoose: (m: IModelChoice) => void }): JSX.Element {
  const [source, setSource] = useState<Exclude<Source, 'catalog'>>('hf');
  const [arch, setArch] = useState('');
  const [location, setLocation] = useState('');
  const [connection, setConnection] = useState('');
  const [weights, setWeights] = useState('');

  const needsArch = source === 's3' || source === 'pvc' || source === 'oci';
  const choice = build(source, arch.trim(), location.trim(), connection.trim(), weights.trim());

  return (
    <details className="jp-OptiServe-byo">
      <summary aria-label="Bring your own model">Bring your own model</summary>
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
          Source
          <select
            className="jp-mod-styled"
            aria-label="Model source"
            value={source}
            onChange={e => setSource(e.target.value as Exclude<Source, 'catalog'>)}
          >
            {SOURCES.map(s => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        {needsArch ? (
          <label>
            Architecture (Hugging Face id or folder with config.json)
            <input
              className="jp-OptiServe-input jp-mod-styled"
              aria-label="Model architecture"
              placeholder="ibm-granite/granite-3.1-8b-instruct"
              value={arch}
              onChange={e => setArch(e.target.value)}
            />
          </label>
        ) : null}
        {source === 's3' ? (
          <label>
            Data connection (Secret name)
            <input
              className="jp-OptiServe-input jp-mod-styled"
              aria-label="S3 data connection"
              placeholder="my-s3-connection"
              value={connection}
              onChange={e => setConnection(e.target.value)}
            />
          </label>
        ) : null}
        <label>
          {placeholderLabel(source)}
          <input
            className="jp-OptiServe-input jp-mod-styled"
            aria-label={placeholderLabel(source)}
            placeholder={placeholder(source)}
            value={location}
            onChange={e => setLocation(e.target.value)}
          />
        </label>
        {source === 'local' ? (
          <label>
            Weights for the deployment (optional: pvc://, s3://, oci:// or hf://)
            <input
              className="jp-OptiServe-input jp-mod-styled"
              aria-label="Weights location"
              placeholder="pvc://models-pvc/my-model"
              value={weights}
              onChange={e => setWeights(e.target.value)}
            />
          </label>
        ) : null}
        <button
          type="submit"
          className="jp-OptiServe-btn jp-mod-accept"
          aria-label="Use this model"
          disabled={!choice}
        >
          Use this model
        </button>
      </form>
    </details>
  );
}

function placeholderLabel(s: Source): string {
  switch (s) {
    case 'hf':
      return 'Hugging Face model id';
    case 's3':
      return 'S3 path (bucket/folder)';
    case 'pvc':
      return 'PVC path (claim/folder)';
    case 'oci':
      return 'Modelcar image';
    default:
      return 'Folder with config.json';
  }
}

function placeholder(s: Source): string {
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
      return '/path/to/model-folder (on the Jupyter server)';
  }
}

function build(
  source: Source,
  arch: string,
  location: string,
  connection: string,
  weights: string
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
            label: `${arch} from s3://${strip(location, 's3')}`,
            source
          }
        : null;
    case 'pvc':
      return arch
        ? {
            model: arch,
            storage_uri: `pvc://${strip(location, 'pvc')}`,
            label: `${arch} from pvc://${strip(location, 'pvc')}`,
            source
          }
        : null;
    case 'oci':
      return arch
        ? {
            model: arch,
            storage_uri: `oci://${strip(location, 'oci')}`,
            label: `${arch} from oci://${strip(location, 'oci')}`,
            source
          }
        : null;
    default:
      return null;
  }
}
