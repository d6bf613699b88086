/** Shapes of the OptiServe REST API (jupyter_optiserve/server/openapi.yaml); only what the panel reads. */

export type Kpi = 'latency' | 'throughput' | 'balanced' | 'cost';

export interface IModelSummary {
  id: string;
  hf_id: string;
  family?: string | null;
  params_b?: number | null;
  active_params_b?: number | null;
  max_context?: number | null;
  dtype?: string | null;
  license?: string | null;
  multimodal?: boolean;
  moe?: unknown;
  variants: { id?: string; hf_id?: string; precision?: string; [k: string]: unknown }[];
  modelcar?: string | null;
}

export interface IAccelerator {
  id: string;
  name: string;
  vendor: string;
  memory_gb?: number | null;
}

export interface IPool {
  accelerator: string | null;
  product?: string | null;
  vendor?: string | null;
  memory_gib?: number | null;
  gpus_per_node?: number | null;
  nodes?: number | null;
  free_gpus?: number | null;
  max_free_gpus_per_node?: number | null;
  source: string;
  profile?: string | null;
  notes?: string[];
  grant?: string | null;
  mig?: unknown;
  sharing?: unknown;
}

export interface IInventory {
  local: {
    gpu_count: number;
    gpus: { name?: string; memory_gib?: number; [k: string]: unknown }[];
    cpu?: { model?: string; cores?: number; memory_total_gib?: number; accelerator?: string };
    [k: string]: unknown;
  };
  pools: IPool[];
  quota: {
    namespace?: string | null;
    readable?: boolean | null;
    resources?: Record<string, any>;
    notes?: string[];
  };
  notes: string[];
  cluster: {
    server?: string;
    context?: string;
    namespace?: string;
    reachable?: boolean;
    source?: string;
    [k: string]: unknown;
  } | null;
  access?: Record<string, boolean | null>;
  grant?: string | null;
}

export interface IMemory {
  usable_gib_per_gpu?: number;
  weights_gib_per_gpu: number;
  kv_cache_gib_per_gpu: number;
  activation_gib_per_gpu?: number;
  non_torch_gib_per_gpu?: number;
  cuda_graph_gib_per_gpu?: number;
  headroom_gib_per_gpu?: number;
  kv_capacity_tokens: number;
  max_model_len?: number;
  max_concurrency?: number;
}

export interface IProfile {
  id: string;
  name: string;
  model: string;
  runtime: string;
  accelerator: string;
  gpus: number;
  tp: number;
  pp: number;
  replicas?: number;
  precision: string;
  variant?: string | null;
  kv_cache_dtype?: string;
  max_model_len: number;
  max_num_seqs?: number;
  args?: string[];
  provenance?: string;
}

export interface IEstimate {
  fits: boolean;
  ttft_ms?: number | null;
  itl_ms?: number | null;
  output_tokens_per_s?: number | null;
  output_tokens_per_s_per_gpu?: number | null;
  request_latency_ms?: number | null;
  concurrency?: number;
  gpus?: number;
  memory: IMemory;
  label?: string;
  /** Which kernel-cost backend answered: "roofline" or "measured", with its data version. */
  backend?: { backend: string; detail: string };
  percentiles?: { ttft_ms_pct?: Record<string, number>; itl_ms_pct?: Record<string, number> };
  load?: { protocol?: string | null; concurrency?: number | null; method?: string | null } | null;
}

export interface IQuality {
  weights: string;
  label: string;
  accuracy_recovery_pct?: number | null;
  accuracy_source?: string | null;
  kv_cache_dtype?: string;
  kv_note?: string | null;
}

export interface IRecommendation {
  profile: IProfile;
  estimate: IEstimate;
  reasons: string[];
  warnings: string[];
  target?: { name?: string; source?: string };
  quality?: IQuality;
}

export interface IRecommendResult {
  model: { id: string; hf_id?: string; params_b?: number; origin?: string; [k: string]: unknown };
  kpi: string;
  workload: { input_len: number; output_len: number; concurrency: number; context?: number | null };
  hardware: {
    name: string;
    accelerator: string;
    gpus_per_node?: number;
    free_gpus?: number | null;
    source?: string;
  }[];
  recommendations: IRecommendation[];
  rejected: { name: string; why: string; target?: string }[];
  notes: string[];
}

export interface ICheck {
  id: string;
  status: 'pass' | 'warn' | 'fail' | 'skip';
  message: string;
  fix?: string;
}

export interface IPlan {
  name: string;
  namespace: string;
  model: string;
  accelerator: string;
  profile: IProfile;
  args: string[];
  notes: string[];
  replicas?: number;
  runtime_args?: string[];
  /** names only: values are never echoed back */
  env?: string[];
  [k: string]: unknown;
}

export interface IRenderResult {
  manifests: unknown[];
  yaml: string;
  plan: IPlan;
  notes: string[];
}

export interface IPreflightResult {
  plan: IPlan;
  preflight: { ok: boolean; checks: ICheck[] };
}

export interface IPhase {
  phase: string;
  state: 'pending' | 'active' | 'done' | 'failed';
  started_s?: number | null;
  ended_s?: number | null;
  detail?: string;
}

export interface ITimeline {
  name: string;
  namespace: string;
  outcome: string | null;
  phases: IPhase[];
  events: { t_s: number; text: string }[];
  diagnosis?: IDiagnosis | null;
  url?: string | null;
  internal_url?: string | null;
  notes?: string[];
  smoke?: { ok?: boolean; ttft_s?: number; text?: string; [k: string]: unknown } | null;
}

/** A failure's diagnosis (deploy/diagnose.py): failure-modes row, cause, fix, what it concerns, and
 * the request change that applies the fix (when it is concrete). */
export interface IDiagnosis {
  failure_mode?: number | null;
  cause?: string;
  fix?: string;
  evidence?: string;
  subject?: string;
  remedy?: { max_model_len?: number; runtime_args?: string[] } | null;
  [k: string]: unknown;
}

/** What Edit loads back from an OptiServe deployment (GET deployments/{name} settings). */
export interface IDeploySettings {
  model: string;
  kpi: string;
  accelerator?: string;
  gpus?: number;
  profile?: string;
  name?: string;
  replicas?: number;
  external?: boolean;
  auth?: boolean;
  runtime_args?: string[];
  env?: { name: string; value: string }[];
  max_model_len?: number;
  storage_uri?: string;
  connection?: string;
}

export interface IErrorBody {
  error: string;
  detail: string;
  hint: string;
}

export interface ITask {
  id: string;
  name: string;
  namespace: string;
  state: string;
  terminal: boolean;
  created: number;
  updated: number;
  request: Record<string, unknown>;
  plan?: IPlan | null;
  timeline?: ITimeline | null;
  error?: IErrorBody | null;
}

export interface IDeploymentRow {
  name: string;
  kind: string;
  optiserve: boolean;
  state: 'Ready' | 'NotReady' | 'Stopped' | 'Unknown';
  profile?: string | null;
  url?: string | null;
  task?: string | null;
}

export interface IDeploymentList {
  namespace: string;
  deployments: IDeploymentRow[];
  tasks: ITask[];
}

export interface IDeployment {
  name: string;
  namespace: string;
  profile?: string | null;
  stopped: boolean;
  exists?: boolean;
  timeline: ITimeline | null;
  task: ITask | null;
  settings?: IDeploySettings | null;
}

export interface IPromptResult {
  ok: boolean;
  url: string;
  status?: number | null;
  ttft_s?: number | null;
  total_s?: number | null;
  text: string;
  error?: string;
  cause?: string;
  fix?: string;
}

export interface IConfig {
  namespace: string | null;
  default_kpi: string | null;
  offline: boolean;
  version?: string;
  kpis?: string[];
  [k: string]: unknown;
}

/** What the user picked as the model: a catalog id, or a bring-your-own source. */
export interface IModelChoice {
  /** Sent as `model`: catalog id, Hugging Face id, or a folder with config.json. */
  model: string;
  /** Optional `storage_uri` for the deployment (s3://, pvc://, oci://, hf://). */
  storage_uri?: string;
  /** S3 data connection name (with an s3:// storage_uri). */
  connection?: string;
  /** Human label. */
  label: string;
  source: 'catalog' | 'hf' | 's3' | 'pvc' | 'oci' | 'local';
}

export interface ISlo {
  ttft_ms?: number;
  itl_ms?: number;
  concurrency?: number;
  context?: number;
  /** Let 4-bit weights past the quality floor (latency/throughput/balanced). */
  allow_precision?: boolean;
}

export interface IHardwareChoice {
  /** '' = the detected pools. */
  accelerator: string;
  gpus?: number;
}
