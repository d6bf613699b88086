/**
 * Every string the sidebar writes goes through ITranslator. JupyterLab's own pseudo-translation
 * (`displayStringsPrefix` in the Language settings) prefixes each translated string with a marker;
 * walking the main states, any text or readable attribute in the panel without the marker must be
 * data: text the server sent (model ids, reasons, warnings, manifests), numbers and units. What is
 * left is an untranslated string, listed with where it is (test-results/i18n.json).
 */
import { expect, galata, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Locator, Response } from '@playwright/test';
import * as fs from 'fs';
import { artifact, scenario } from './fake';
import {
  escapeRegExp,
  expand,
  freshCluster,
  PANEL_ID,
  patientStart,
  rankedFor,
  SERVER
} from './helpers';

/** The marker JupyterLab puts before every translated string (any text no data contains). */
const P = '‹‹';
/** A name as the pseudo-translation shows it. */
const tr = (text: string) => P + text;

/** Text with no word left once numbers, units and punctuation are taken out: a figure, not a sentence. */
const UNITS =
  /\b(ms|s|min|h|GiB|MiB|GB|MB|KiB|tok\/s|tokens?|req\/s|rps|B|K|M|k|x|TP|PP|DP|p50|p90|p95|p99|fp8|fp16|bf16|int4|int8|GPUs?)\b/g;
function isFigure(text: string): boolean {
  return !/[A-Za-z]{2,}/.test(text.replace(UNITS, ''));
}

/** One token that names something (a model id, a path, a flag, NAME=VALUE), not a sentence. */
function isIdentifier(text: string): boolean {
  return /^\S+$/.test(text) && /[/\-_.=:]/.test(text);
}

/** Names that stay as they are in every language. */
const NAMES = new Set(['OptiServe']);

/** Data in brackets, quotes or before a colon reads as the data itself. */
function unwrapped(text: string): string {
  return text.replace(/^[\s([“"'«]+|[\s)\]”"'».:,]+$/g, '');
}

interface IFound {
  state: string;
  text: string;
  where: string;
}

/** Strings in every JSON answer and event the sidebar received from the server. */
class ServerText {
  readonly strings = new Set<string>();
  private pending: Promise<void>[] = [];

  constructor(page: IJupyterLabPageFixture) {
    page.on('response', (res: Response) => {
      if (res.url().includes('/optiserve/')) {
        this.pending.push(this.read(res));
      }
    });
  }

  private async read(res: Response): Promise<void> {
    try {
      const body = await res.text();
      const type = res.headers()['content-type'] ?? '';
      const chunks = type.includes('event-stream')
        ? body
            .split('\n')
            .filter(l => l.startsWith('data:'))
            .map(l => l.slice(5))
        : [body];
      for (const chunk of chunks) {
        try {
          this.add(JSON.parse(chunk));
        } catch {
          this.strings.add(chunk);
        }
      }
    } catch {
      // a stream still open, or a page gone: its text arrives through other answers
    }
  }

  /** Read `path` of the API now (for answers the page had before the test started listening). */
  async fetch(page: IJupyterLabPageFixture, path: string): Promise<void> {
    this.add(await (await page.request.get(`${SERVER}/optiserve/${path}`)).json());
  }

  private add(value: unknown): void {
    if (typeof value === 'string') {
      this.strings.add(value);
    } else if (Array.isArray(value)) {
      value.forEach(v => this.add(v));
    } else if (value && typeof value === 'object') {
      Object.values(value).forEach(v => this.add(v));
    }
  }

  /** Wait (briefly) for the answers received so far to be read. */
  async settle(): Promise<void> {
    const waiting = this.pending;
    this.pending = [];
    await Promise.race([Promise.all(waiting), new Promise(r => setTimeout(r, 3000))]);
  }

  /** Whether the server sent `text` (the sidebar may capitalise a sentence's first letter). */
  has(text: string): boolean {
    const lower = text.toLowerCase();
    for (const s of this.strings) {
      if (s.toLowerCase().includes(lower)) {
        return true;
      }
    }
    return false;
  }
}

/** Visible text nodes and readable attributes in the panel that carry no marker. */
async function unmarked(page: IJupyterLabPageFixture): Promise<{ text: string; where: string }[]> {
  return page.evaluate(
    ({ id, marker }) => {
      const panel = document.getElementById(id)!;
      const out: { text: string; where: string }[] = [];
      const where = (el: Element) => {
        const parts: string[] = [];
        for (
          let e: Element | null = el;
          e && e !== panel && parts.length < 3;
          e = e.parentElement
        ) {
          const cls = [...e.classList].find(c => c.startsWith('jp-OptiServe-'));
          parts.unshift(e.tagName.toLowerCase() + (cls ? '.' + cls : ''));
        }
        return parts.join(' > ');
      };
      const visible = (el: Element) =>
        (el as HTMLElement).checkVisibility?.() ?? (el as HTMLElement).offsetParent !== null;
      // code the user copies or reads as code (manifests, snippets) is not translated
      const skip = 'pre, code, textarea, script, style';
      const walker = document.createTreeWalker(panel, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement!;
        const text = (n.textContent ?? '').trim();
        if (!text || text.includes(marker) || el.closest(skip)) {
          continue;
        }
        // a piece of one translated message with elements in it (withElements)
        if (el.closest('.jp-OptiServe-msg')?.textContent?.includes(marker)) {
          continue;
        }
        // a text hidden from sight may still be read out (visually hidden labels)
        if (!visible(el) && !el.closest('.jp-OptiServe-srOnly')) {
          continue;
        }
        out.push({ text, where: where(el) });
      }
      for (const el of panel.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
        for (const attr of ['aria-label', 'title', 'placeholder', 'alt']) {
          const value = el.getAttribute(attr)?.trim();
          if (value && !value.includes(marker) && !el.closest(skip)) {
            out.push({ text: value, where: `${where(el)} [${attr}]` });
          }
        }
      }
      return out;
    },
    { id: PANEL_ID, marker: P }
  );
}

test.describe('OptiServe translations', () => {
  test.use({
    waitForApplication: patientStart,
    mockSettings: {
      ...galata.DEFAULT_SETTINGS,
      '@jupyterlab/translation-extension:plugin': { displayStringsPrefix: true, stringsPrefix: P }
    }
  });

  test('every string in the main states goes through the translator', async ({ page }) => {
    test.setTimeout(240000);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const server = new ServerText(page);
    const found: IFound[] = [];
    const check = async (state: string) => {
      await server.settle();
      for (const u of await unmarked(page)) {
        const text = unwrapped(u.text);
        if (!isFigure(text) && !isIdentifier(text) && !NAMES.has(text) && !server.has(text)) {
          found.push({ state, ...u });
        }
      }
    };

    await freshCluster(page);
    // the catalog is fetched when the plugin starts, before this test listens
    await server.fetch(page, 'models');
    await page.sidebar.openTab(PANEL_ID);
    const panel = page.locator(`#${PANEL_ID}`);
    await chooseModel(panel, 'granite-3.1-8b-instruct', () => check('catalog'));
    await rankedFor(panel, 'balanced');
    await expand(panel, 'hardware');
    await check('profiles');

    await scenario('success');
    const deployment = await previewAndDeploy(panel, check);
    await expect(deployment.getByLabel(tr('Endpoint URL'), { exact: true })).toBeVisible({
      timeout: 45000
    });
    await check('ready');

    await panel.getByRole('tab', { name: tr('Deployments') }).click();
    await expect(panel.getByRole('listitem').first()).toBeVisible();
    await check('deployments');
    await panel.getByRole('tab', { name: tr('New') }).click();

    // nothing fits: a 70B model on one L4 (the model first: a new ranking folds step 1 again)
    await chooseModel(panel, 'llama-3.1-70b-instruct');
    await expand(panel, 'hardware');
    await panel.getByLabel(tr('Accelerator override'), { exact: true }).selectOption('l4');
    await panel.getByLabel(tr('GPU count'), { exact: true }).fill('1');
    await expect(panel.getByRole('alert')).toBeVisible({ timeout: 30000 });
    await check('nothing-fits');

    // a deployment that crash-loops: the sidebar's diagnosis, cause and fix
    await scenario('crashloop');
    await chooseModel(panel, 'qwen2.5-7b-instruct');
    await expand(panel, 'hardware');
    await panel.getByLabel(tr('Accelerator override'), { exact: true }).selectOption('');
    await rankedFor(panel, 'balanced');
    const failing = await previewAndDeploy(panel);
    await expect(failing.getByLabel(tr('Deployment state'), { exact: true })).toHaveText(
      tr('failed'),
      { timeout: 45000 }
    );
    await check('deploy-failed');

    fs.writeFileSync(artifact('i18n.json'), JSON.stringify(found, null, 2));
    expect(
      found.map(f => `${f.state}: "${f.text}" at ${f.where}`),
      'strings that do not go through trans.__() (see docs/ui.md, "Translated strings")'
    ).toEqual([]);
  });
});

/** Preview the chosen profile, deploy it and confirm (checking both on the way); step 6's view. */
async function previewAndDeploy(
  panel: Locator,
  check?: (state: string) => Promise<void>
): Promise<Locator> {
  await panel.getByRole('button', { name: tr('Preview deployment') }).click();
  await expect(panel.getByLabel(tr('Preflight summary'), { exact: true })).toBeVisible({
    timeout: 30000
  });
  await check?.('preview');
  await panel.getByRole('button', { name: tr('Deploy'), exact: true }).click();
  await expect(panel.getByRole('alertdialog')).toBeVisible();
  await check?.('confirm');
  await panel.getByRole('button', { name: tr('Confirm deploy') }).click();
  return panel.locator('[data-step="deploy"] .jp-OptiServe-deploy');
}

/** Search for `id` and choose it (`before`: what to do with the search results on screen). */
async function chooseModel(
  panel: Locator,
  id: string,
  before?: () => Promise<void>
): Promise<void> {
  // a ranking that arrives late folds step 1 again: open it until it stays open
  const search = panel.getByLabel(tr('Search models'), { exact: true });
  await expect(async () => {
    await expand(panel, 'model');
    await expect(panel.locator('[aria-busy="true"]')).toHaveCount(0);
    await expect(search).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30000 });
  await search.fill(id);
  const button = panel.getByRole('button', {
    name: new RegExp(`^${escapeRegExp(tr('Choose model'))} ${escapeRegExp(id)}( |$)`)
  });
  await expect(button).toBeVisible();
  await before?.();
  await button.click();
}
