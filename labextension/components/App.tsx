import React, { useEffect, useRef, useState } from 'react';
import { IEnv } from '../env';
import { useTrans } from '../i18n';
import { useInventory, useRecommend } from '../hooks';
import { IDeploySettings, IHardwareChoice, IModelChoice, ISlo, Kpi } from '../types';
import { ms } from '../format';
import { focusWhenRendered } from '../focus';
import { ErrorBox, Step, withElements } from './common';
import { requestAPI } from '../request';
import { DeploymentsView } from './DeploymentsView';
import { DeployView } from './DeployView';
import { grantOf, HardwareStep, hardwareSummary, hasCluster } from './HardwareStep';
import { KpiStep, kpiTitle } from './KpiStep';
import { ModelStep } from './ModelStep';
import { PlanRequest, PreviewStep } from './PreviewStep';
import { IAlternative, ProfilesStep } from './ProfilesStep';

type Tab = 'new' | 'deployments';

/** The product's name, the same in every language. */
const PRODUCT = 'OptiServe';

/** The whole panel: the guided flow and the deployments list. */
export function App(props: { env: IEnv }): JSX.Element {
  const env = props.env;
  const trans = useTrans();
  const [tab, setTab] = useState<Tab>('new');
  const [model, setModel] = useState<IModelChoice | null>(null);
  const [modelOpen, setModelOpen] = useState(true);
  const [kpi, setKpi] = useState<Kpi>(env.defaultKpi);
  const [kpiTouched, setKpiTouched] = useState(false);
  const [slo, setSlo] = useState<ISlo>({});
  const [hw, setHw] = useState<IHardwareChoice>({ accelerator: '' });
  const [hwOpen, setHwOpen] = useState<boolean | null>(null);
  const inv = useInventory();
  const [invGen, setInvGen] = useState(0);
  const rec = useRecommend(model, kpi, slo, hw, invGen);
  const [selected, setSelected] = useState(0);
  const [preview, setPreview] = useState<PlanRequest | null>(null);
  const [deploying, setDeploying] = useState<{
    name: string;
    namespace: string;
    n: number;
  } | null>(null);
  const [deployError, setDeployError] = useState<unknown>(null);
  // Edit from the Deployments list: the deployment whose settings the preview holds
  const [editing, setEditing] = useState<string | null>(null);

  useEffect(() => {
    if (!kpiTouched) {
      setKpi(env.defaultKpi);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed on purpose: re-run only when the listed inputs change
  }, [env.defaultKpi]);
  const editingRef = useRef<string | null>(null);
  editingRef.current = editing;
  useEffect(() => {
    setSelected(0);
    // a new ranking replaces the flow's preview, not one that Edit loaded from a deployment
    setPreview(p => (editingRef.current ? p : null));
  }, [rec.data]);
  useEffect(() => {
    if (rec.data) {
      performance.mark('optiserve:profiles-shown');
    }
  }, [rec.data]);

  const offline = !!inv.data && !hasCluster(inv.data);
  // when nothing fits: the changes one click away (each re-ranks)
  const alternatives: IAlternative[] = [];
  if (!slo.allow_precision && kpi !== 'cost') {
    alternatives.push({
      label: trans.__('Allow 4-bit weights'),
      apply: () => setSlo({ ...slo, allow_precision: true })
    });
  }
  if (hw.accelerator && (hw.gpus ?? 1) < 8) {
    const more = Math.min(8, (hw.gpus ?? 1) * 2);
    alternatives.push({
      label: trans._n('Use %1 GPU', 'Use %1 GPUs', more),
      apply: () => setHw({ ...hw, gpus: more })
    });
  }
  if (hw.accelerator && !offline && inv.data?.pools.length) {
    alternatives.push({
      label: trans.__('Size for the detected pools'),
      apply: () => setHw({ accelerator: '' })
    });
  }
  const autoHwOpen = !inv.data || offline || !!grantOf(inv.data) || inv.data.pools.length === 0;
  const chosen = rec.data?.recommendations[selected];

  const startPreview = () => {
    if (!model || !chosen) {
      return;
    }
    const req: PlanRequest = {
      model: model.model,
      kpi,
      accelerator: chosen.profile.accelerator,
      gpus: chosen.profile.gpus,
      profile: chosen.profile.id
    };
    if (slo.allow_precision) {
      req.allow_precision = true; // the plan ranks again: the chosen 4-bit profile must stay eligible
    }
    if (model.storage_uri) {
      req.storage_uri = model.storage_uri;
    }
    if (model.connection) {
      req.connection = model.connection;
    }
    if (env.namespace) {
      req.namespace = env.namespace;
    }
    if (offline) {
      req.offline = true;
    }
    setDeploying(null);
    setEditing(null);
    setPreview(req);
  };

  const edit = (saved: IDeploySettings) => {
    const req: PlanRequest = { ...saved };
    if (env.namespace) {
      req.namespace = env.namespace;
    }
    setDeploying(null);
    setDeployError(null);
    setEditing(saved.name ?? null);
    setPreview(req);
    setTab('new');
  };

  const backToProfiles = () => {
    setDeploying(null);
    setDeployError(null);
    setPreview(null);
    requestAnimationFrame(() =>
      (
        document.querySelector(
          '#jupyter-optiserve-panel .jp-OptiServe-profilesWrap [role="radio"][aria-checked="true"]'
        ) as HTMLElement | null
      )?.focus()
    );
  };

  const deploy = async (req: PlanRequest, name: string, namespace: string) => {
    setDeployError(null);
    try {
      await requestAPI('deployments', { json: req });
      setDeploying(d => ({ name, namespace, n: (d?.n ?? 0) + 1 })); // a redeploy follows afresh
    } catch (e) {
      setDeployError(e);
    }
    // "Deploy now" disappears with the confirmation: carry focus to step 6 (progress or error)
    focusWhenRendered('[data-step="deploy"] h3');
  };

  // the ARIA tabs pattern: arrow keys move between New and Deployments
  const switchTab = (e: React.KeyboardEvent<HTMLButtonElement>) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') {
      return;
    }
    e.preventDefault();
    const next = tab === 'new' ? 'deployments' : 'new';
    setTab(next);
    // read now: React clears the event's currentTarget once the handler returns
    const tablist = e.currentTarget.parentElement;
    requestAnimationFrame(() =>
      (tablist?.querySelector('[aria-selected="true"]') as HTMLElement | null)?.focus()
    );
  };

  return (
    <div className="jp-OptiServe-root">
      <div className="jp-OptiServe-header">
        <h2>{PRODUCT}</h2>
        <div className="jp-OptiServe-tabs" role="tablist" aria-label={trans.__('OptiServe views')}>
          <button
            type="button"
            role="tab"
            aria-selected={tab === 'new'}
            tabIndex={tab === 'new' ? 0 : -1}
            className={tab === 'new' ? 'jp-mod-selected' : ''}
            onClick={() => setTab('new')}
            onKeyDown={switchTab}
          >
            {trans.__('New')}
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={tab === 'deployments'}
            tabIndex={tab === 'deployments' ? 0 : -1}
            className={tab === 'deployments' ? 'jp-mod-selected' : ''}
            onClick={() => setTab('deployments')}
            onKeyDown={switchTab}
          >
            {trans.__('Deployments')}
          </button>
        </div>
      </div>
      {tab === 'deployments' ? (
        <DeploymentsView env={env} namespace={env.namespace || undefined} onEdit={edit} />
      ) : (
        <div className="jp-OptiServe-flow">
          <Step
            n={1}
            title={trans.__('Model')}
            testId="model"
            open={!model || modelOpen}
            onToggle={model ? () => setModelOpen(o => !o) : undefined}
            summary={model?.label}
          >
            <ModelStep
              chosen={model}
              onChoose={m => {
                setModel(m);
                setModelOpen(false);
                setPreview(null);
                setDeploying(null);
                // the focused catalog button disappears with step 1: carry focus to the chosen KPI
                focusWhenRendered('.jp-OptiServe-kpi[aria-checked="true"]');
              }}
            />
          </Step>
          <Step n={2} title={trans.__('KPI')} testId="kpi" open={true}>
            <KpiStep
              kpi={kpi}
              slo={slo}
              onKpi={k => {
                performance.mark('optiserve:kpi-chosen');
                setKpi(k);
                setKpiTouched(true);
              }}
              onSlo={setSlo}
            />
          </Step>
          <Step
            n={3}
            title={trans.__('Hardware')}
            testId="hardware"
            open={hwOpen ?? autoHwOpen}
            onToggle={() => setHwOpen(!(hwOpen ?? autoHwOpen))}
            summary={hardwareSummary(inv.data, hw, trans)}
          >
            <HardwareStep
              inventory={inv.data}
              error={inv.error}
              loading={inv.loading}
              choice={hw}
              onChoice={setHw}
              onRefresh={() => {
                inv.refresh();
                setInvGen(g => g + 1);
              }}
            />
          </Step>
          <Step
            n={4}
            title={trans.__('Profiles')}
            testId="profiles"
            open={!!model}
            summary={model ? undefined : trans.__('choose a model first')}
          >
            <div data-kpi={rec.data?.kpi} className="jp-OptiServe-profilesWrap">
              <ProfilesStep
                result={rec.data}
                loading={rec.loading}
                error={rec.error}
                selected={selected}
                onSelect={i => {
                  setSelected(i);
                  setPreview(null);
                }}
                onRetry={rec.retry}
                alternatives={alternatives}
                hideLocalNotes={!!inv.data && hasCluster(inv.data)}
              />
            </div>
          </Step>
          {preview ? (
            <Step n={5} title={trans._p('step title', 'Preview')} testId="preview" open={true}>
              <PreviewStep
                key={JSON.stringify(preview)}
                env={env}
                request={preview}
                offline={offline}
                deployed={!!deploying}
                onDeploy={deploy}
                editing={editing}
              />
            </Step>
          ) : null}
          {deployError ? (
            <Step n={6} title={trans._p('step title', 'Deploy')} testId="deploy" open={true}>
              <ErrorBox error={deployError} title={trans.__('The deployment was not started')} />
              <button type="button" className="jp-OptiServe-btn" onClick={backToProfiles}>
                {trans.__('Back to profiles')}
              </button>
            </Step>
          ) : deploying ? (
            <Step n={6} title={trans._p('step title', 'Deploy')} testId="deploy" open={true}>
              <DeployView
                key={`${deploying.name}:${deploying.n}`}
                env={env}
                name={deploying.name}
                namespace={deploying.namespace}
                onBack={backToProfiles}
              />
            </Step>
          ) : null}
          {chosen && !preview ? (
            <div
              className="jp-OptiServe-footer"
              role="group"
              aria-label={trans.__('Chosen profile')}
            >
              <div className="jp-OptiServe-footerText">
                {withElements(
                  trans.__('%1: %2 · TTFT %3 · ITL %4', '%1', '%2', '%3', '%4'),
                  kpiTitle(kpi, trans),
                  <strong>{chosen.profile.name}</strong>,
                  ms(chosen.estimate.ttft_ms),
                  ms(chosen.estimate.itl_ms)
                )}
              </div>
              <button
                type="button"
                className="jp-OptiServe-btn jp-mod-accept jp-OptiServe-wide"
                onClick={() => {
                  startPreview();
                  focusWhenRendered('[data-step="preview"] h3');
                }}
              >
                {trans.__('Preview deployment')}
              </button>
            </div>
          ) : null}
        </div>
      )}
    </div>
  );
}
