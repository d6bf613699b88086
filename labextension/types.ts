/**
 * Shapes of the OptiServe REST API. The request bodies and the main responses come from the OpenAPI
 * spec (jupyter_optiserve/server/openapi.yaml) through the generated api.d.ts (`jlpm gen:api`); where
 * the spec says only "an object" (inventory, model facts, plan extras), the fields the panel reads are
 * written here.
 */
import type { components } from './api';

type Schemas = components['schemas'];
/** A spec type without its `additionalProperties` index signature, so Omit keeps the named fields. */
type Named<T> = { [K in keyof T as string extends K ? never : K]: T[K] };
/** A spec type with some fields replaced or added: where the spec says only "an object". */
type With<T, R> = Omit<Named<T>, keyof R> & R;

export type Kpi = Schemas['DeployKpi'];

// -- request bodies --------------------------------------------------------------------------------
export type IRecommendRequest = Schemas['RecommendRequest'];
export type IEstimateRequest = Schemas['EstimateRequest'];
export type IPlanRequest = Schemas['PlanRequest'];
export type IDeployRequest = Schemas['DeployRequest'];
export type IStopRequest = Schemas['StopRequest'];
export type IPromptRequest = Schemas['PromptRequest'];
export type IBenchmarkRequest = Schemas['BenchmarkRequest'];

// -- responses -------------------------------------------------------------------------------------

/** The spec's ModelSummary, plus the catalog facts the panel shows that the spec leaves open. */
export type IModelSummary = With<
  Schemas['ModelSummary'],
  {
    active_params_b?: number | null;
    license?: string | null;
    multimodal?: boolean;
    moe?: unknown;
    variants: { id?: string; hf_id?: string; precision?: string; [k: string]: unknown }[];
  }
>;

export type IAccelerator = Schemas['Accelerator'];

// Hand-written: the spec's Inventory holds pools, the local machine and the quota as open objects.
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

/** The spec's MemoryBreakdown names four fields and allows more: the rest the panel reads. */
export type IMemory = With<
  Schemas['MemoryBreakdown'],
  {
    usable_gib_per_gpu?: number;
    activation_gib_per_gpu?: number;
    non_torch_gib_per_gpu?: number;
    cuda_graph_gib_per_gpu?: number;
    headroom_gib_per_gpu?: number;
    max_model_len?: number;
    max_concurrency?: number;
  }
>;

/** The spec's Profile, plus the serving settings it allows without naming. */
export type IProfile = With<
  Schemas['Profile'],
  {
    replicas?: number;
    variant?: string | null;
    kv_cache_dtype?: string;
    max_num_seqs?: number;
    args?: string[];
  }
>;

/** The spec's Estimate, with the memory breakdown above and the extras the panel reads. */
export type IEstimate = With<
  Schemas['Estimate'],
  {
    memory: IMemory;
    output_tokens_per_s_per_gpu?: number | null;
    request_latency_ms?: number | null;
    concurrency?: number;
    label?: string;
    /** Which kernel-cost backend answered: "roofline" or "measured", with its data version. */
    backend?: { backend: string; detail: string };
    percentiles?: { ttft_ms_pct?: Record<string, number>; itl_ms_pct?: Record<string, number> };
    load?: { protocol?: string | null; concurrency?: number | null; method?: string | null } | null;
  }
>;

/** The spec's Quality; the server always sends the weights and their label. */
export type IQuality = With<Schemas['Quality'], { weights: string; label: string }>;

export type IRecommendation = With<
  Schemas['Recommendation'],
  {
    profile: IProfile;
    estimate: IEstimate;
    quality?: IQuality;
  }
>;

/** The spec's RecommendResult; its model, hardware and rejected entries are open objects there. */
export type IRecommendResult = With<
  Schemas['RecommendResult'],
  {
    model: { id: string; hf_id?: string; params_b?: number; origin?: string; [k: string]: unknown };
    hardware: {
      name: string;
      accelerator: string;
      gpus_per_node?: number;
      free_gpus?: number | null;
      source?: string;
    }[];
    recommendations: IRecommendation[];
    rejected: { name: string; why: string; target?: string }[];
  }
>;

export type ICheck = Schemas['PreflightReport']['checks'][number];

export type IPlan = With<
  Schemas['Plan'],
  {
    profile: IProfile;
    replicas?: number;
    runtime_args?: string[];
    /** names only: values are never echoed back */
    env?: string[];
  }
>;

export type IRenderResult = With<Schemas['RenderResult'], { plan: IPlan }>;

export type IPreflightResult = With<Schemas['PreflightResult'], { plan: IPlan }>;

export type IPhase = Schemas['Timeline']['phases'][number];

/** The spec's Timeline; its diagnosis and smoke result are open objects there. */
export type ITimeline = With<
  Schemas['Timeline'],
  {
    /** The spec leaves both optional; every event the server writes has them. */
    events: { t_s: number; text: string }[];
    diagnosis?: IDiagnosis | null;
    smoke?: { ok?: boolean; ttft_s?: number; text?: string; [k: string]: unknown } | null;
  }
>;

export type IErrorBody = Schemas['Error'];

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

export type ITask = With<
  Schemas['Task'],
  {
    plan?: IPlan | null;
    timeline?: ITimeline | null;
  }
>;

export type IDeploymentRow = Schemas['DeploymentRow'];

export type IDeploymentList = With<Schemas['DeploymentList'], { tasks: ITask[] }>;

export type IDeployment = With<
  Schemas['Deployment'],
  {
    timeline: ITimeline | null;
    task: ITask | null;
    settings?: IDeploySettings | null;
  }
>;

export type IPromptResult = Schemas['PromptResult'];

export type IConfig = Schemas['Config'];

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
