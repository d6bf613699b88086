import { TranslationBundle } from '@jupyterlab/translation';
import React, { useEffect, useRef, useState } from 'react';
import { useTrans } from '../i18n';

/** The RHOAI "Deploy model" dialog's settings beyond the profile. */
export interface IDeploySettingsValue {
  name: string;
  replicas: number;
  external: boolean;
  auth: boolean;
  /** One vLLM argument per line. */
  runtimeArgs: string;
  /** One NAME=VALUE per line. */
  env: string;
}

/** Settings from a plan request (what Edit loads). */
export function settingsFrom(req: Record<string, unknown>): IDeploySettingsValue {
  const env = (req.env as { name: string; value: string }[] | undefined) ?? [];
  return {
    name: String(req.name ?? ''),
    replicas: Number(req.replicas ?? 1) || 1,
    external: !!req.external,
    auth: !!req.auth,
    runtimeArgs: ((req.runtime_args as string[] | undefined) ?? []).join('\n'),
    env: env.map(e => `${e.name}=${e.value}`).join('\n')
  };
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map(l => l.trim())
    .filter(Boolean);
}

/** Lines that are not NAME=VALUE (shown at once; the server checks the rest). */
function envProblem(text: string, trans: TranslationBundle): string {
  const bad = lines(text).find(l => !l.includes('=') || l.startsWith('='));
  return bad ? trans.__('"%1" needs the form NAME=VALUE', bad.split('=')[0].slice(0, 40)) : '';
}

/** The plan request fields for these settings (absent ones keep the server's defaults). */
export function settingsRequest(v: IDeploySettingsValue): Record<string, unknown> {
  const out: Record<string, unknown> = { external: v.external, auth: v.auth };
  if (v.name.trim()) {
    out.name = v.name.trim();
  }
  if (v.replicas !== 1) {
    out.replicas = v.replicas;
  }
  const args = lines(v.runtimeArgs);
  if (args.length) {
    out.runtime_args = args;
  }
  const env = lines(v.env).map(l => {
    const i = l.indexOf('=');
    return { name: l.slice(0, i).trim(), value: l.slice(i + 1) };
  });
  if (env.length) {
    out.env = env;
  }
  return out;
}

const DEBOUNCE_MS = 500;

// Examples of what the fields take, written as the user types them: not translated.
const ARGS_EXAMPLE = '--enable-auto-tool-choice';
const ENV_EXAMPLE = 'VLLM_LOGGING_LEVEL=DEBUG';

/** Name, replicas, route, token auth, runtime arguments and environment variables. Edits reach
 * ``onChange`` debounced, so preflight and the manifests re-run once typing pauses. */
export function DeploySettings(props: {
  value: IDeploySettingsValue;
  derivedName: string;
  onChange: (v: IDeploySettingsValue) => void;
  open?: boolean;
}): JSX.Element {
  const trans = useTrans();
  const [draft, setDraft] = useState(props.value);
  const first = useRef(true);
  const problem = envProblem(draft.env, trans);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    if (problem) {
      return;
    }
    const t = window.setTimeout(() => props.onChange(draft), DEBOUNCE_MS);
    return () => window.clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the draft is the input; onChange may be a new closure each render
  }, [draft, problem]);
  const set = (p: Partial<IDeploySettingsValue>) => setDraft(d => ({ ...d, ...p }));
  return (
    <details className="jp-OptiServe-settings" open={props.open}>
      <summary>{trans.__('Deployment settings')}</summary>
      <label className="jp-OptiServe-field">
        {trans.__('Deployment name')}
        <input
          className="jp-OptiServe-input jp-mod-styled"
          value={draft.name}
          placeholder={props.derivedName}
          spellCheck={false}
          onChange={e => set({ name: e.target.value })}
        />
      </label>
      <label className="jp-OptiServe-field">
        {trans.__('Replicas')}
        <input
          className="jp-OptiServe-input jp-mod-styled"
          type="number"
          min={1}
          max={64}
          value={draft.replicas}
          onChange={e => set({ replicas: Math.max(1, Math.min(64, Number(e.target.value) || 1)) })}
        />
      </label>
      <label className="jp-OptiServe-check">
        <input
          type="checkbox"
          checked={draft.external}
          onChange={e => set({ external: e.target.checked })}
        />
        {trans.__('External route')}
      </label>
      <label className="jp-OptiServe-check">
        <input
          type="checkbox"
          checked={draft.auth}
          onChange={e => set({ auth: e.target.checked })}
        />
        {trans.__('Token authentication')}
      </label>
      <label className="jp-OptiServe-field">
        {trans.__('Runtime arguments')}
        <textarea
          className="jp-OptiServe-input jp-mod-styled"
          rows={2}
          spellCheck={false}
          aria-label={trans.__('Runtime arguments')}
          placeholder={ARGS_EXAMPLE}
          value={draft.runtimeArgs}
          onChange={e => set({ runtimeArgs: e.target.value })}
        />
      </label>
      <div className="jp-OptiServe-muted">
        {trans.__("One per line; the profile's flags cannot be overridden.")}
      </div>
      <label className="jp-OptiServe-field">
        {trans.__('Environment variables')}
        <textarea
          className="jp-OptiServe-input jp-mod-styled"
          rows={2}
          spellCheck={false}
          aria-label={trans.__('Environment variables')}
          placeholder={ENV_EXAMPLE}
          value={draft.env}
          aria-invalid={!!problem}
          onChange={e => set({ env: e.target.value })}
        />
      </label>
      {problem ? (
        <div className="jp-OptiServe-fieldError" role="alert">
          {problem}
        </div>
      ) : (
        <div className="jp-OptiServe-muted">
          {trans.__('NAME=VALUE per line; keep credentials in Secrets.')}
        </div>
      )}
    </details>
  );
}
